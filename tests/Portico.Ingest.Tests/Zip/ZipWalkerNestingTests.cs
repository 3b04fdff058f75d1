using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

public sealed class ZipWalkerNestingTests
{
    private static readonly byte[] A = DicomSamples.Part10("1.2.3.1");
    private static readonly byte[] B = DicomSamples.Part10("1.2.3.2");
    private static readonly byte[] C = DicomSamples.Part10("1.2.3.3");

    [Fact]
    public async Task WalkAsync_ZipInZip_OpensTheNestedArchiveWithPrefixedNames()
    {
        using var dir = new TempDirectory();
        byte[] inner = TestArchive.Bytes(("dir/b.dcm", B), ("readme.txt", "Burned by PACS"u8.ToArray()));
        TestArchive.Write(dir.File("outer.zip"), ("a.dcm", A), ("inner.zip", inner));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("outer.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(
            [
                new ZipEntryReport("a.dcm", ZipEntryDisposition.Extracted, null),
                new ZipEntryReport("inner.zip", ZipEntryDisposition.Extracted, "ZIP archive inside the upload: its files are listed after it"),
                new ZipEntryReport("inner.zip/dir/b.dcm", ZipEntryDisposition.Extracted, null),
                new ZipEntryReport("inner.zip/readme.txt", ZipEntryDisposition.SkippedNotDicom, "This file is not a DICOM file"),
            ],
            result.Entries);
        Assert.Equal(["a.dcm", "inner.zip/dir/b.dcm"], collector.Names);
        Assert.Equal(B, collector.Contents["inner.zip/dir/b.dcm"]);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_ZipInZipInZip_ThirdLevelSkippedNestedTooDeep()
    {
        using var dir = new TempDirectory();
        WriteThreeLevels(dir.File("outer.zip"));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("outer.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(["a.dcm", "mid.zip", "mid.zip/b.dcm", "mid.zip/deep.zip"], result.Entries.Select(e => e.Name));
        Assert.Equal(
            new ZipEntryReport("mid.zip/deep.zip", ZipEntryDisposition.SkippedNestedTooDeep, "ZIP archives inside a ZIP archive are opened only 1 level deep; unzip this one and upload its files"),
            result.Entries[^1]);
        Assert.Equal(["a.dcm", "mid.zip/b.dcm"], collector.Names);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_ZipInZipInZipWithDepthTwo_OpensTheThirdLevel()
    {
        using var dir = new TempDirectory();
        WriteThreeLevels(dir.File("outer.zip"));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("outer.zip"), dir.UnpackPath, new ZipLimits { MaxNestingDepth = 2 }, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal(["a.dcm", "mid.zip/b.dcm", "mid.zip/deep.zip/c.dcm"], collector.Names);
        Assert.Equal(C, collector.Contents["mid.zip/deep.zip/c.dcm"]);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_DepthZero_NestedArchiveSkipped()
    {
        using var dir = new TempDirectory();
        WriteThreeLevels(dir.File("outer.zip"));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("outer.zip"), dir.UnpackPath, new ZipLimits { MaxNestingDepth = 0 }, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                new ZipEntryReport("a.dcm", ZipEntryDisposition.Extracted, null),
                new ZipEntryReport("mid.zip", ZipEntryDisposition.SkippedNestedTooDeep, "ZIP archives inside the uploaded ZIP archive are not opened; unzip this one and upload its files"),
            ],
            result.Entries);
    }

    [Fact]
    public async Task WalkAsync_NestedArchiveDamaged_RefusedAloneAndTheWalkGoesOn()
    {
        using var dir = new TempDirectory();
        byte[] notZip = new byte[4096];
        new Random(7).NextBytes(notZip);
        TestArchive.Write(dir.File("outer.zip"), ("broken.ZIP", notZip), ("a.dcm", A));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("outer.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(new ZipEntryReport("broken.ZIP", ZipEntryDisposition.Refused, "This file is named .zip but is not a valid ZIP archive"), result.Entries[0]);
        Assert.Equal(["a.dcm"], collector.Names);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_OfficeDocument_ReportedAsNotDicomNotOpened()
    {
        using var dir = new TempDirectory();
        byte[] docx = TestArchive.Bytes(("[Content_Types].xml", "<Types/>"u8.ToArray()), ("word/document.xml", "<w:document/>"u8.ToArray()));
        TestArchive.Write(dir.File("outer.zip"), ("referral.docx", docx));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("outer.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal([new ZipEntryReport("referral.docx", ZipEntryDisposition.SkippedNotDicom, "This file is not a DICOM file")], result.Entries);
    }

    /// <summary>outer.zip: a.dcm, mid.zip (b.dcm, deep.zip (c.dcm)).</summary>
    private static void WriteThreeLevels(string path)
    {
        byte[] deep = TestArchive.Bytes(("c.dcm", C));
        byte[] mid = TestArchive.Bytes(("b.dcm", B), ("deep.zip", deep));
        TestArchive.Write(path, ("a.dcm", A), ("mid.zip", mid));
    }
}
