using Portico.Tests.Shared;

namespace Portico.Dicom.Network.Tests;

/// <summary>Runs a DCMTK tool (installed by scripts/test.sh). A missing tool fails the test, it is never skipped.</summary>
internal static class Dcmtk
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        ExternalProgram.Result result = await ExternalProgram.RunAsync(tool, arguments, TimeSpan.FromSeconds(60), cancellationToken: cancellationToken);
        return (result.ExitCode, result.Messages);
    }

    public static Task<(int ExitCode, string Output)> EchoAsync(int port, string calledAETitle, CancellationToken cancellationToken, params string[] extra) =>
        RunAsync("echoscu", [.. extra, "-aet", "TESTSCU", "-aec", calledAETitle, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);
}
