using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Portico.Web.Admin;
using Xunit;

namespace Portico.Web.Tests.Admin;

/// <summary>
/// The <c>admin</c> commands as an administrator runs them: the built Portico.Web program, a data directory, exit
/// codes, the summary on standard output. The cases themselves are covered by IndexMaintenanceTests (Ingest).
/// </summary>
public sealed class AdminCommandTests
{
    private const string PatientNameMarker = "Zyxwvutsr^Quentin";
    private const string PatientIdMarker = "PID-MARKER-4711";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminCommands_LostIndexThenLostBlob_RebuildAndVerifyAnswerWithExitCodes()
    {
        string data = Path.Combine(Path.GetTempPath(), "portico-admin-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var outputs = new List<string>();
        try
        {
            // A blob store restored from a backup, without its index: two DICOM files at their content addresses.
            PlaceBlob(data, DicomSamples.WithNewUids("CT_small.dcm", out _, out string keptSop, change: WithPatientMarkers));
            string lostPath = PlaceBlob(data, DicomSamples.WithNewUids("MR_small.dcm", out _, out string lostSop, change: WithPatientMarkers));

            Run help = await RunAsync(data, outputs, "admin", "--help");
            Run usage = await RunAsync(data, outputs, "admin", "no-such-command");
            Run fromScratch = await RunAsync(data, outputs, "admin", "rebuild-index", "--from-scratch");
            Run clean = await RunAsync(data, outputs, "admin", "verify-index", "--hash");
            File.Delete(lostPath); // a blob lost behind the index's back
            Run broken = await RunAsync(data, outputs, "admin", "verify-index");
            Run repair = await RunAsync(data, outputs, "admin", "rebuild-index");
            Run repaired = await RunAsync(data, outputs, "admin", "verify-index", "--hash");

            Assert.Equal(AdminCommand.ExitOk, help.ExitCode);
            Assert.Contains("verify-index", help.Output, StringComparison.Ordinal);
            Assert.Contains("rebuild-index", help.Output, StringComparison.Ordinal);
            Assert.Equal(AdminCommand.ExitUsage, usage.ExitCode);
            Assert.Contains("Unknown command 'no-such-command'", usage.Error, StringComparison.Ordinal);

            Assert.Equal(AdminCommand.ExitOk, fromScratch.ExitCode);
            Assert.Matches(Counted("indexed", 2), fromScratch.Output);
            Assert.Equal(AdminCommand.ExitOk, clean.ExitCode);
            Assert.Contains("Result: consistent.", clean.Output, StringComparison.Ordinal);
            Assert.Matches(Counted("instance rows checked", 2), clean.Output);

            Assert.Equal(AdminCommand.ExitProblemsFound, broken.ExitCode);
            Assert.Matches(Counted("rows whose blob is missing", 1), broken.Output);
            Assert.Contains($"MissingBlob {lostSop}", broken.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(keptSop, broken.Output, StringComparison.Ordinal);

            Assert.Equal(AdminCommand.ExitOk, repair.ExitCode);
            Assert.Matches(Counted("rows removed, blob missing", 1), repair.Output);
            Assert.Matches(Counted("empty studies removed", 1), repair.Output);
            Assert.Equal(AdminCommand.ExitOk, repaired.ExitCode);
            Assert.Matches(Counted("instance rows checked", 1), repaired.Output);

            // Patient data never reaches the console or the log, whatever the command prints.
            Assert.All(outputs, text =>
            {
                Assert.DoesNotContain("Zyxwvutsr", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(PatientIdMarker, text, StringComparison.Ordinal);
            });
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed record Run(int ExitCode, string Output, string Error);

    private static void WithPatientMarkers(Portico.Dicom.Data.DicomDataset dataset)
    {
        dataset.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, PatientNameMarker);
        dataset.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, PatientIdMarker);
    }

    /// <summary>A summary line such as <c>  indexed:     2</c>.</summary>
    private static Regex Counted(string label, int count) => new($@"(?m)^\s+{Regex.Escape(label)}:\s+{count}\s*$");

    /// <summary>Puts bytes where the file blob store keeps them: store/blobs/ab/&lt;sha256&gt;.</summary>
    private static string PlaceBlob(string data, byte[] bytes)
    {
        string key = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string directory = Path.Combine(data, "store", "blobs", key[..2]);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, key);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Runs <c>dotnet Portico.Web.dll &lt;args&gt; --Portico:DataDirectory &lt;data&gt;</c> from the data directory.</summary>
    private static async Task<Run> RunAsync(string data, List<string> outputs, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Portico.Web.dll"));
        foreach (string arg in args.Concat(["--Portico:DataDirectory", data]))
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(Ct);
        Task<string> error = process.StandardError.ReadToEndAsync(Ct);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }

        var run = new Run(process.ExitCode, await output, await error);
        outputs.Add(run.Output);
        outputs.Add(run.Error);
        return run;
    }
}
