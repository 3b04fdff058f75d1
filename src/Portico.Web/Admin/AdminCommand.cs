using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Portico.Index;
using Portico.Ingest.Pipeline;
using Portico.Storage;
using Portico.Web.Hosting;

namespace Portico.Web.Admin;

/// <summary>
/// <c>Portico.Web admin &lt;command&gt;</c>: index maintenance run by the server program with the server's
/// configuration and service registrations (<see cref="PorticoApplication"/>), without starting HTTP. The logic is
/// <see cref="IndexMaintenance"/>; this class parses arguments, runs the host's pieces the command needs and prints the
/// summary on standard output (progress and logs go to standard error). docs/operations.md describes the commands.
/// </summary>
public static partial class AdminCommand
{
    public const string Verb = "admin";

    /// <summary>The index is consistent, or the command did what was asked.</summary>
    public const int ExitOk = 0;

    /// <summary><c>verify-index</c> found problems.</summary>
    public const int ExitProblemsFound = 1;

    /// <summary>The arguments are wrong; usage is printed.</summary>
    public const int ExitUsage = 2;

    /// <summary>The command could not run or was interrupted (the message says why).</summary>
    public const int ExitFailed = 3;

    public const string Usage = """
        Usage: Portico.Web admin <command> [options] [configuration overrides]

        Index maintenance on the server's data, with the server's configuration, without starting HTTP.
        Stop the server first: the commands must be the only ones writing to the index and the blob store.

        Commands:
          verify-index [--hash]
              Check the index against the blob store and report; change nothing. Finds rows whose blob is missing
              or of another length, blobs no row points to, wrong series/study totals, empty series and studies,
              and patients without studies. Exit code 0 when consistent, 1 when problems were found.
              --hash           also read every blob and compare its SHA-256 with its key (reads the whole store)
          rebuild-index [--hash] [--from-scratch]
              Repair the index from the blob store: remove rows whose blob is missing or corrupt, index every
              unreferenced blob, move blobs that cannot be indexed to <store>/quarantine/, recompute totals,
              remove empty series, studies and patients. Labels and workflow status of remaining studies are kept.
              --hash           hash every referenced blob, not only those whose length differs from their row
              --from-scratch   wipe patients, studies, series and instances (labels on studies, workflow status
                               and patient merges with them) and index every blob again: for a lost index.
                               Users, roles, API keys, label definitions and the audit log are kept.

        Configuration overrides are given as to the server, e.g. --Portico:DataDirectory=/srv/portico.
        Exit codes: 0 done or consistent, 1 problems found, 2 usage error, 3 failed or interrupted.

        """;

    public static bool IsInvoked(string[] args) => args is [Verb, ..];

    /// <summary>Runs on the console; Ctrl+C stops the command between steps (a rebuild can be run again).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var interrupted = new CancellationTokenSource();
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        Console.CancelKeyPress += cancel;
        try
        {
            return await RunAsync(args, Console.Out, Console.Error, interrupted.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
    }

    /// <summary>Runs <c>admin ...</c> (<paramref name="args"/> includes the word <c>admin</c>); returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        AdminArguments? parsed = AdminArguments.Parse(args.Skip(1).ToArray(), out string? problem);
        if (parsed is null)
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            await error.WriteAsync(Usage).ConfigureAwait(false);
            return ExitUsage;
        }

        if (parsed.Help)
        {
            await output.WriteAsync(Usage).ConfigureAwait(false);
            return ExitOk;
        }

        string command = parsed.Command!;
        WebApplicationBuilder builder = PorticoApplication.CreateBuilder(parsed.ConfigurationArgs);
        // Standard output carries only the summary, so a script can keep it; every log line goes to standard error.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        WebApplication app = builder.Build();
        await using (app.ConfigureAwait(false))
        {
            ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminCommand));
            try
            {
                // What starting the host would check (options with ValidateOnStart), without starting it: the host's
                // hosted services include Kestrel, start-up recovery and upload processing, which must not run here.
                app.Services.GetService<IStartupValidator>()?.Validate();
                return command == AdminArguments.VerifyIndex
                    ? await VerifyAsync(app.Services, parsed, output, error, cancellationToken).ConfigureAwait(false)
                    : await RebuildAsync(app.Services, parsed, output, error, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"admin {command}: interrupted. A rebuild can be run again; it carries on from where the index is.").ConfigureAwait(false);
                return ExitFailed;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, command, ex);
                await error.WriteLineAsync($"admin {command} failed: {ex.Message}").ConfigureAwait(false);
                return ExitFailed;
            }
        }
    }

    private static async Task<int> VerifyAsync(IServiceProvider services, AdminArguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await using (AsyncServiceScope scope = services.CreateAsyncScope())
        {
            // Verifying changes nothing, not even the schema: an index the server has not migrated yet is reported.
            DatabaseFacade database = scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Database;
            int pending = (await database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).Count();
            if (pending > 0)
            {
                await error.WriteLineAsync($"admin verify-index: the index lacks {pending} migration(s) (a new or older index); start the server once, or run admin rebuild-index.").ConfigureAwait(false);
                return ExitFailed;
            }
        }

        IndexVerifyReport report = await services.GetRequiredService<IndexMaintenance>()
            .VerifyAsync(args.Hash, new ConsoleProgress(error, AdminArguments.VerifyIndex), cancellationToken).ConfigureAwait(false);
        AdminReportWriter.Write(output, report);
        return report.IsConsistent ? ExitOk : ExitProblemsFound;
    }

    private static async Task<int> RebuildAsync(IServiceProvider services, AdminArguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await using (AsyncServiceScope scope = services.CreateAsyncScope())
        {
            // A lost index file is recreated here, as the server's start would.
            await IndexMigrations.MigrateAsync(scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Database, cancellationToken).ConfigureAwait(false);
        }

        // Unreferenced blobs are indexed through the group committer, a hosted service: the one this command starts.
        IndexCommitter committer = services.GetRequiredService<IndexCommitter>();
        await committer.StartAsync(cancellationToken).ConfigureAwait(false);
        IndexRebuildReport report;
        try
        {
            report = await services.GetRequiredService<IndexMaintenance>().RebuildAsync(
                new IndexRebuildOptions(args.FromScratch, args.Hash),
                new ConsoleProgress(error, AdminArguments.RebuildIndex),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await committer.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        AdminReportWriter.Write(output, report, services.GetService<FileBlobStore>()?.QuarantineDirectory);
        return ExitOk;
    }

    [LoggerMessage(5020, LogLevel.Error, "admin {Command} failed")]
    private static partial void LogFailed(ILogger logger, string command, Exception exception);
}
