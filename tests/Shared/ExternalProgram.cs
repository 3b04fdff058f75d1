using System.Diagnostics;
using System.Text;

namespace Portico.Tests.Shared;

/// <summary>
/// Runs the third-party programs the tests compare Portico with (DCMTK, OpenJPEG, netpbm, Orthanc, Node): a program
/// that is not installed fails the test saying that scripts/test.sh installs it; no test skips. DCMTK's tools get
/// <c>TCP_NODELAY=1</c> (DESIGN.md: without it every response waits for a delayed ACK).
/// </summary>
internal static class ExternalProgram
{
    /// <summary>What a program that ran to its end wrote: its standard output as bytes (a picture, say) and its standard error.</summary>
    public sealed record Result(int ExitCode, byte[] Output, string Error)
    {
        public string OutputText => Encoding.UTF8.GetString(Output);

        /// <summary>Standard output then standard error, for assertions and failure messages.</summary>
        public string Messages => OutputText + Error;
    }

    /// <summary>Starts <paramref name="program"/> (a name looked up in /usr/bin, /usr/sbin, then PATH, or a path) with its output redirected; the caller ends it.</summary>
    public static Process Start(string program, IEnumerable<string> arguments, Action<ProcessStartInfo>? configure = null)
    {
        var start = new ProcessStartInfo(Resolve(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TCP_NODELAY"] = "1";
        configure?.Invoke(start);
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{program}' is not installed: run scripts/test.sh as root, which installs the programs the tests compare with.", e);
        }
    }

    /// <summary>Runs <paramref name="program"/> to its end (killed after <paramref name="timeout"/>, 90 s by default) and returns what it wrote.</summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, TimeSpan? timeout = null, Action<ProcessStartInfo>? configure = null, CancellationToken cancellationToken = default)
    {
        string[] list = [.. arguments];
        using Process process = Start(program, list, configure);
        using var output = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', list)} did not finish in {(timeout ?? TimeSpan.FromSeconds(90)).TotalSeconds:0} s.");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await copy;
        return new Result(process.ExitCode, output.ToArray(), await error);
    }

    /// <summary><see cref="RunAsync"/> for synchronous callers (theory data, helpers of synchronous tests).</summary>
    public static Result Run(string program, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunAsync(program, arguments, timeout).GetAwaiter().GetResult();

    private static string Resolve(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return program;
        }

        // DCMTK and most tools install in /usr/bin, Debian's Orthanc in /usr/sbin.
        return new[] { "/usr/bin", "/usr/sbin" }.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists) ?? program;
    }
}
