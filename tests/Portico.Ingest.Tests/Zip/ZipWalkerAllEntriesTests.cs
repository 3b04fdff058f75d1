using System.Text;
using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

/// <summary><see cref="ZipWalkEntries.All"/> (the malware scan): every file entry is handed over, whatever its content, within the same defences.</summary>
public sealed class ZipWalkerAllEntriesTests
{
    [Fact]
    public async Task WalkAsync_AllEntries_HandsOverNonDicomFilesAndNestedEntries_AndStillSkipsUnsafeNames()
    {
        using var dir = new TempDirectory();
        byte[] report = Encoding.ASCII.GetBytes("%PDF-1.4 a referral");
        byte[] inner = TestArchive.Bytes(("tool.exe", "MZ"u8.ToArray()));
        string archive = dir.File("all.zip");
        string placeholder = new('#', "../evil.sh".Length);
        TestArchive.Write(archive, ("img.dcm", DicomSamples.Part10()), ("docs/referral.pdf", report), ("DICOMDIR", DicomSamples.Part10()), ("inner.zip", inner), (placeholder, "x"u8.ToArray()));
        TestArchive.ReplaceNames(archive, (placeholder, "../evil.sh"));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(archive, dir.UnpackPath, new ZipLimits(), ZipWalkEntries.All, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(["img.dcm", "docs/referral.pdf", "inner.zip/tool.exe"], collector.Names);
        Assert.Equal(report, collector.Contents["docs/referral.pdf"]);
        Assert.Equal(ZipEntryDisposition.SkippedDicomDir, result.Entries.Single(e => e.Name == "DICOMDIR").Disposition);
        Assert.Equal(ZipEntryDisposition.SkippedTraversal, result.Entries.Single(e => e.Name == "../evil.sh").Disposition);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_DicomOnly_StillSkipsOtherFiles()
    {
        using var dir = new TempDirectory();
        string archive = dir.File("dicom.zip");
        TestArchive.Write(archive, ("img.dcm", DicomSamples.Part10()), ("referral.pdf", "%PDF-1.4"u8.ToArray()));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(archive, dir.UnpackPath, new ZipLimits(), ZipWalkEntries.Dicom, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal(["img.dcm"], collector.Names);
        Assert.Equal(ZipEntryDisposition.SkippedNotDicom, result.Entries.Single(e => e.Name == "referral.pdf").Disposition);
    }
}
