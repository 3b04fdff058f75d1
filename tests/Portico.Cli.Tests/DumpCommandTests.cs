using System.Text.Json;
using Portico.Cli.Commands;
using Xunit;

namespace Portico.Cli.Tests;

public sealed class DumpCommandTests : IDisposable
{
    private const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "portico-cli-tests", Guid.NewGuid().ToString("N"));

    public DumpCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        File.Copy(Pydicom("CT_small.dcm"), Path.Combine(_dir, "a.dcm"));
        File.WriteAllText(Path.Combine(_dir, "b-notes.txt"), "not DICOM");
        File.Copy(Pydicom("rtplan_truncated.dcm"), Path.Combine(_dir, "c-truncated.dcm"));
        File.Copy(Pydicom("rtplan.dcm"), Path.Combine(_dir, "sub", "d.dcm"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_DirectoryWithBadFiles_PrintsGoodOnesReportsEachBadOneAndExitsOne()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await DumpCommand.RunAsync([_dir, "-r"], stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        string output = stdout.ToString();
        Assert.Contains("(0010,0010) PN [CompressedSamples^CT1]  # 22, PatientName", output, StringComparison.Ordinal);
        Assert.Contains("sub/d.dcm", output, StringComparison.Ordinal); // recursed, and carried on after the bad files
        Assert.Contains("(300A,00B0) SQ", output, StringComparison.Ordinal);
        string[] errors = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.Matches(@"b-notes\.txt: Invalid DICOM: not a DICOM file or data set at offset 0\.$", errors[0]);
        Assert.Matches(@"c-truncated\.dcm: Invalid DICOM: .+ at offset \d+ in \(300A,012C\)\.$", errors[1]);
    }

    [Fact]
    public async Task Run_WithoutRecursion_SkipsSubdirectories()
    {
        var stdout = new StringWriter();

        await DumpCommand.RunAsync([_dir], stdout, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.DoesNotContain("d.dcm", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("a.dcm", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Json_PrintsDicomJsonModel()
    {
        var stdout = new StringWriter();

        int exit = await DumpCommand.RunAsync([Path.Combine(_dir, "a.dcm"), "--json"], stdout, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(stdout.ToString());
        JsonElement name = json.RootElement.GetProperty("00100010");
        Assert.Equal("PN", name.GetProperty("vr").GetString());
        Assert.Equal("CompressedSamples^CT1", name.GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
    }

    [Fact]
    public async Task Run_MissingPath_ReportsAndExitsOne()
    {
        var stderr = new StringWriter();

        int exit = await DumpCommand.RunAsync([Path.Combine(_dir, "nope.dcm")], new StringWriter(), stderr, TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains("nope.dcm: no such file or directory", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--bogus x.dcm")]
    public async Task Run_BadUsage_PrintsUsageAndExitsTwo(string commandLine)
    {
        string[] args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stderr = new StringWriter();

        int exit = await DumpCommand.RunAsync(args, new StringWriter(), stderr, TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
        Assert.Contains(DumpCommand.Usage, stderr.ToString(), StringComparison.Ordinal);
    }

    private static string Pydicom(string name)
    {
        string path = Path.Combine(PydicomTestFiles, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run scripts/test.sh, which installs python3-pydicom.");
    }
}
