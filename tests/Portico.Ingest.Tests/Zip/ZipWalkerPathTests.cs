using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

/// <summary>Entry names that would escape the extraction root ("zip slip"): reported, never unpacked.</summary>
public sealed class ZipWalkerPathTests
{
    [Theory]
    [InlineData("../evil.dcm", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("a/../../evil.dcm", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("a/../evil.dcm", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("..\\..\\evil.dcm", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("a/.. /evil.dcm", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("a/..", ZipEntryDisposition.SkippedTraversal)]
    [InlineData("/etc/passwd", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("\\evil.dcm", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("\\\\server\\share\\evil.dcm", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("C:\\x.dcm", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("c:x.dcm", ZipEntryDisposition.SkippedAbsolutePath)]
    [InlineData("/../evil.dcm", ZipEntryDisposition.SkippedAbsolutePath)]
    public async Task WalkAsync_EscapingName_SkippedAndNeverExtracted(string name, ZipEntryDisposition expected)
    {
        using var dir = new TempDirectory();
        string archive = dir.File("slip.zip");
        string placeholder = new('#', name.Length);
        TestArchive.Write(archive, (placeholder, DicomSamples.Part10()), ("fine.dcm", DicomSamples.Part10()));
        TestArchive.ReplaceNames(archive, (placeholder, name));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(archive, dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(name, result.Entries[0].Name);
        Assert.Equal(expected, result.Entries[0].Disposition);
        Assert.Contains("path", result.Entries[0].Reason, StringComparison.Ordinal);
        Assert.Equal(new ZipEntryReport("fine.dcm", ZipEntryDisposition.Extracted, null), result.Entries[1]);
        Assert.Equal(["fine.dcm"], collector.Names);
        Assert.Equal(["slip.zip"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Where(n => n != "unpack"));
        Assert.Empty(dir.LeftoverFiles());
    }

    [Theory]
    [InlineData("a..b.dcm")]
    [InlineData("...dcm")]
    [InlineData("series.1/..img")]
    [InlineData("dir/./img.dcm")]
    public async Task WalkAsync_DotsInsideNames_Extracted(string name)
    {
        using var dir = new TempDirectory();
        string archive = dir.File("dots.zip");
        TestArchive.Write(archive, (name, DicomSamples.Part10()));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(archive, dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal([new ZipEntryReport(name, ZipEntryDisposition.Extracted, null)], result.Entries);
    }
}
