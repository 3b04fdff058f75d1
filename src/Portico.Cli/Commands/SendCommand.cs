using System.Diagnostics;
using System.IO.Compression;
using Portico.Dicom;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Scu;
using Portico.Dicom.Network.Services;
using Spectre.Console;

namespace Portico.Cli.Commands;

/// <summary>
/// `portico send [options] HOST PORT PATH...`: C-STORE of files, folders and ZIP archives, like DCMTK storescu. One
/// association per 128 presentation contexts; a live progress bar on a terminal; a summary; exit 1 on any failure.
/// </summary>
internal static class SendCommand
{
    public static readonly string Usage = "usage: portico send [options] HOST PORT PATH...\n\n" +
        "PATH: DICOM files, folders (-r: with their subfolders) and ZIP archives; other files are skipped.\n\noptions:\n" +
        "  -r, --recursive        send the files of subfolders too\n" +
        "  --no-progress          no live progress bar (it is off anyway when the output is not a terminal)\n" +
        NetworkOptions.Usage;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var network = new NetworkOptions();
        var positional = new List<string>();
        bool recursive = false;
        bool progress = true;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "-h" or "--help":
                        stdout.WriteLine(Usage);
                        return 0;
                    case "-r" or "--recursive":
                        recursive = true;
                        continue;
                    case "--no-progress":
                        progress = false;
                        continue;
                }
                if (network.TryConsume(args, ref i))
                {
                    continue;
                }
                if (args[i].StartsWith('-') && args[i].Length > 1)
                {
                    throw new ArgumentException($"unknown option '{args[i]}'");
                }
                positional.Add(args[i]);
            }
            if (positional.Count < 3)
            {
                throw new ArgumentException("expected HOST PORT PATH...");
            }
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"portico send: {ex.Message}");
            stderr.WriteLine(Usage);
            return 2;
        }

        if (network.TryClientOptions(positional[0], positional[1], "send", stderr) is not { } options)
        {
            return 2;
        }

        string host = options.Host;
        int port = options.Port;

        SendInputs.Scan scan = await SendInputs.ScanAsync(positional.Skip(2), recursive, cancellationToken).ConfigureAwait(false);
        bool live = progress && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && scan.Items.Count > 0;
        // Under a live progress bar the per-file lines wait until it is gone, so they do not tear it.
        var deferred = new StringWriter();
        var run = new Run(options, live ? deferred : stderr);
        foreach (SendInputs.Problem problem in scan.Problems)
        {
            run.Fail(problem.Display, problem.Reason);
        }

        long started = Stopwatch.GetTimestamp();
        try
        {
            if (live)
            {
                await AnsiConsole.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        ProgressTask task = context.AddTask($"Sending to {options.CalledAETitle}", maxValue: scan.Items.Count);
                        await run.SendAllAsync(scan.Items, () => task.Increment(1), cancellationToken).ConfigureAwait(false);
                    }).ConfigureAwait(false);
            }
            else
            {
                await run.SendAllAsync(scan.Items, static () => { }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.Write(deferred.ToString());
            stderr.WriteLine($"portico send: cancelled after {run.Sent} sent");
            return 130;
        }
        stderr.Write(deferred.ToString());

        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        stdout.WriteLine(
            $"{options.CalledAETitle} at {host}:{port}: {run.Sent} sent ({run.Warnings} with warnings), {run.Failed} failed, " +
            $"{scan.Skipped.Count} skipped (not DICOM) in {seconds:0.0} s{(options.UseTls ? ", TLS" : "")}");
        return run.Failed == 0 ? 0 : 1;
    }

    /// <summary>The counts and the sending loop of one run.</summary>
    private sealed class Run(DicomClientOptions options, TextWriter stderr)
    {
        public int Sent { get; private set; }

        public int Warnings { get; private set; }

        public int Failed { get; private set; }

        public void Fail(string display, string reason)
        {
            Failed++;
            stderr.WriteLine($"portico send: {display}: {reason}");
        }

        /// <summary>
        /// Sends every item; one association per batch of at most 128 presentation contexts. A broken association is
        /// replaced for the next item; a connection that cannot be made fails everything not sent yet.
        /// </summary>
        public async Task SendAllAsync(List<SendInputs.Item> items, Action advance, CancellationToken cancellationToken)
        {
            var archives = new Dictionary<string, ZipArchive>(StringComparer.Ordinal);
            try
            {
                int next = 0;
                foreach (List<SendInputs.Item> batch in Batches(items))
                {
                    IReadOnlyList<PresentationContextRequest> contexts = DicomClient.ProposeFor(batch.Select(i => (i.SopClassUid, i.TransferSyntaxUid)));
                    DicomClientAssociation? association = null;
                    try
                    {
                        foreach (SendInputs.Item item in batch)
                        {
                            try
                            {
                                association ??= await DicomClient.ConnectAsync(options, contexts, cancellationToken).ConfigureAwait(false);
                            }
                            catch (Exception ex) when (NetworkOptions.Describe(ex, options.Host, options.Port) is { } reason)
                            {
                                stderr.WriteLine($"portico send: {reason}");
                                for (; next < items.Count; next++)
                                {
                                    Failed++;
                                    advance();
                                }
                                return;
                            }
                            await SendOneAsync(association, item, archives, cancellationToken).ConfigureAwait(false);
                            next++;
                            advance();
                            if (!association.IsUsable)
                            {
                                await association.DisposeAsync().ConfigureAwait(false);
                                association = null;
                            }
                        }
                    }
                    finally
                    {
                        if (association is not null)
                        {
                            await association.DisposeAsync().ConfigureAwait(false);
                        }
                    }
                }
            }
            finally
            {
                foreach (ZipArchive archive in archives.Values)
                {
                    archive.Dispose();
                }
            }
        }

        private async Task SendOneAsync(DicomClientAssociation association, SendInputs.Item item, Dictionary<string, ZipArchive> archives, CancellationToken cancellationToken)
        {
            DimseResult result;
            try
            {
                Stream stream = SendInputs.Open(item, archives);
                await using (stream.ConfigureAwait(false))
                {
                    result = await association.StoreAsync(stream, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (NetworkOptions.Describe(ex, options.Host, options.Port) is { } reason)
            {
                Fail(item.Display, reason);
                return;
            }
            catch (Exception ex) when (ex is DicomFormatException or UnauthorizedAccessException or InvalidDataException)
            {
                Fail(item.Display, ex.Message);
                return;
            }

            string comment = result.ErrorComment is null ? "" : ": " + result.ErrorComment;
            if (DimseStatus.IsSuccess(result.Status))
            {
                Sent++;
            }
            else if (DimseStatus.IsWarning(result.Status))
            {
                Sent++;
                Warnings++;
                stderr.WriteLine($"portico send: {item.Display}: warning 0x{result.Status:X4}{comment}");
            }
            else
            {
                Fail(item.Display, $"refused with status 0x{result.Status:X4}{comment}");
            }
        }

        /// <summary>Consecutive runs of items whose distinct (SOP class, transfer syntax) pairs fit in one A-ASSOCIATE-RQ.</summary>
        private static IEnumerable<List<SendInputs.Item>> Batches(List<SendInputs.Item> items)
        {
            var batch = new List<SendInputs.Item>();
            var pairs = new HashSet<(string, string)>();
            foreach (SendInputs.Item item in items)
            {
                if (!pairs.Contains((item.SopClassUid, item.TransferSyntaxUid)) && pairs.Count == DicomClient.MaxPresentationContexts)
                {
                    yield return batch;
                    batch = [];
                    pairs.Clear();
                }
                pairs.Add((item.SopClassUid, item.TransferSyntaxUid));
                batch.Add(item);
            }
            if (batch.Count > 0)
            {
                yield return batch;
            }
        }
    }
}
