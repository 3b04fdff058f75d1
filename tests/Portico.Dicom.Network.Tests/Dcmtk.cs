using System.Diagnostics;

namespace Portico.Dicom.Network.Tests;

/// <summary>Runs a DCMTK tool (installed by scripts/test.sh). A missing tool fails the test, it is never skipped.</summary>
internal static class Dcmtk
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Path.Combine("/usr/bin", tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {tool}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    public static Task<(int ExitCode, string Output)> EchoAsync(int port, string calledAETitle, CancellationToken cancellationToken, params string[] extra) =>
        RunAsync("echoscu", [.. extra, "-aet", "TESTSCU", "-aec", calledAETitle, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);
}
