using System.Diagnostics;
using System.IO.Compression;
using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

public sealed class ZipWalkerLimitTests
{
    private const int MiB = 1 << 20;

    [Fact]
    public async Task WalkAsync_MoreEntriesThanMaxEntries_RefusedBeforeUnpackingAny()
    {
        using var dir = new TempDirectory();
        WriteTinyEntries(dir.File("many.zip"), 20_000);
        var collector = new FileCollector(keepContent: false);

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("many.zip"), dir.UnpackPath, new ZipLimits { MaxEntries = 10_000 }, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.True(result.Refused);
        Assert.Equal("The ZIP archive contains more than 10,000 files", result.RefusalReason);
        Assert.Empty(result.Entries);
        Assert.Empty(collector.Names);
    }

    [Fact]
    public async Task WalkAsync_TwentyThousandEntriesWithDefaults_AllExtractedQuickly()
    {
        using var dir = new TempDirectory();
        WriteTinyEntries(dir.File("many.zip"), 20_000);
        var collector = new FileCollector(keepContent: false);
        var clock = Stopwatch.StartNew();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("many.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        clock.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"20,000 entries walked in {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.False(result.Refused);
        Assert.Equal(20_000, result.Entries.Count);
        Assert.All(result.Entries, e => Assert.Equal(ZipEntryDisposition.Extracted, e.Disposition));
        Assert.Equal(20_000, collector.Names.Distinct().Count());
        Assert.Empty(dir.LeftoverFiles());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"20,000 entries took {clock.Elapsed}.");
    }

    [Theory]
    [InlineData(69_999, true)]
    [InlineData(70_000, false)]
    public async Task WalkAsync_Zip64EntryCount_ReadFromTheZip64EndRecord(int maxEntries, bool refused)
    {
        // Over 65,535 entries the count lives only in the Zip64 end record (APPNOTE 4.3.14).
        using var dir = new TempDirectory();
        using (FileStream stream = File.Create(dir.File("many.zip")))
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create))
        {
            for (int i = 0; i < 70_000; i++)
            {
                using Stream content = archive.CreateEntry($"n{i}.txt", CompressionLevel.NoCompression).Open();
                content.WriteByte((byte)'x');
            }
        }

        var collector = new FileCollector(keepContent: false);

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("many.zip"), dir.UnpackPath, new ZipLimits { MaxEntries = maxEntries }, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.Equal(refused, result.Refused);
        Assert.Equal(refused ? 0 : 70_000, result.Entries.Count);
        Assert.All(result.Entries, e => Assert.Equal(ZipEntryDisposition.SkippedNotDicom, e.Disposition));
    }

    [Fact]
    public async Task WalkAsync_TableOfContentsLargerThanMaxEntriesAllow_RefusedBeforeLoadingIt()
    {
        using var dir = new TempDirectory();
        string longName = string.Join('/', Enumerable.Repeat("folder", 300)) + "/img.dcm";
        TestArchive.Write(dir.File("long.zip"), (longName, DicomSamples.Part10()), (longName + "2", DicomSamples.Part10()));
        var collector = new FileCollector();

        // Two entries of 2 KB names: past the 1 KiB per allowed entry the table of contents may take.
        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("long.zip"), dir.UnpackPath, new ZipLimits { MaxEntries = 2 }, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.True(result.Refused);
        Assert.Equal("The ZIP archive's list of files is far larger than any real archive's", result.RefusalReason);
        Assert.Empty(collector.Names);
    }

    [Fact]
    public async Task WalkAsync_NestedArchivePassesMaxEntries_RefusedAfterTheEntriesBeforeIt()
    {
        using var dir = new TempDirectory();
        byte[] inner = TestArchive.Bytes(Enumerable.Range(0, 10).Select(i => ($"b{i}.dcm", DicomSamples.Part10($"1.2.3.{i}"))).ToArray());
        TestArchive.Write(
            dir.File("outer.zip"),
            [.. Enumerable.Range(0, 5).Select(i => ($"a{i}.dcm", DicomSamples.Part10($"1.2.4.{i}"))), ("inner.zip", inner), ("after.dcm", DicomSamples.Part10())]);
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("outer.zip"), dir.UnpackPath, new ZipLimits { MaxEntries = 8 }, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.True(result.Refused);
        Assert.Equal("The ZIP archive contains more than 8 files", result.RefusalReason);
        Assert.Equal(["a0.dcm", "a1.dcm", "a2.dcm", "a3.dcm", "a4.dcm"], collector.Names);
        Assert.Equal(new ZipEntryReport("inner.zip", ZipEntryDisposition.Refused, result.RefusalReason), result.Entries[^1]);
        Assert.Equal(6, result.Entries.Count);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_TotalPassesMaxTotal_RefusesTheRestAfterTheEntriesThatFit()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(dir.File("big.zip"), [.. Enumerable.Range(0, 5).Select(i => ($"img{i}.dcm", DicomSamples.Part10PaddedWithNoise(MiB, seed: i)))]);
        var limits = new ZipLimits { MaxTotalUncompressedBytes = 3 * MiB + (MiB / 2) };
        var collector = new FileCollector(keepContent: false);

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("big.zip"), dir.UnpackPath, limits, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.True(result.Refused);
        Assert.Equal("The ZIP archive expands to more than 3.5 MB", result.RefusalReason);
        Assert.Equal(["img0.dcm", "img1.dcm", "img2.dcm"], collector.Names);
        Assert.Equal(new ZipEntryReport("img3.dcm", ZipEntryDisposition.Refused, result.RefusalReason), result.Entries[^1]);
        Assert.Equal(4, result.Entries.Count);
    }

    [Fact]
    public async Task WalkAsync_EntryOverMaxEntryBytes_RefusedAloneAndTheWalkGoesOn()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(
            dir.File("a.zip"),
            ("small.dcm", DicomSamples.Part10()),
            ("large.dcm", DicomSamples.Part10PaddedWithNoise(3 * MiB)),
            ("after.dcm", DicomSamples.Part10()));
        var collector = new FileCollector(keepContent: false);

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("a.zip"), dir.UnpackPath, new ZipLimits { MaxEntryBytes = 2 * MiB }, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(new ZipEntryReport("large.dcm", ZipEntryDisposition.Refused, "This file is larger than 2 MB, the largest DICOM file accepted"), result.Entries[1]);
        Assert.Equal(["small.dcm", "after.dcm"], collector.Names);
    }

    [Fact]
    public async Task WalkAsync_EntryCompressedBeyondMaxRatio_RefusesTheRest()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(
            dir.File("a.zip"),
            ("first.dcm", DicomSamples.Part10()),
            ("zeros.dcm", DicomSamples.Part10PaddedWithZeros(8 * MiB)),
            ("after.dcm", DicomSamples.Part10()));
        var collector = new FileCollector(keepContent: false);

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("a.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.True(result.Refused);
        Assert.Equal("The ZIP archive expands to more than 200 times its compressed size, which real images never do; it looks like a ZIP bomb", result.RefusalReason);
        Assert.Equal(["first.dcm"], collector.Names);
        Assert.Equal(new ZipEntryReport("zeros.dcm", ZipEntryDisposition.Refused, result.RefusalReason), result.Entries[^1]);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_SmallEntriesCompressedBeyondMaxRatioOverall_RefusedOnceOverOneMebibyte()
    {
        using var dir = new TempDirectory();
        // Each entry is under the 1 MiB floor of the per-entry check; together they pass it.
        TestArchive.Write(dir.File("a.zip"), [.. Enumerable.Range(0, 4).Select(i => ($"img{i}.dcm", DicomSamples.Part10PaddedWithZeros(900 * 1024)))]);
        var collector = new FileCollector(keepContent: false);

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("a.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.True(result.Refused);
        Assert.Contains("200 times", result.RefusalReason, StringComparison.Ordinal);
        Assert.Equal(["img0.dcm"], collector.Names);
        Assert.Equal(ZipEntryDisposition.Refused, result.Entries[1].Disposition);
        Assert.Equal(2, result.Entries.Count);
    }

    [Fact]
    public async Task WalkAsync_CompressibleButRealisticData_NotRefused()
    {
        using var dir = new TempDirectory();
        // Text-like pixel data compresses a few times over, as real images do: far under 200:1.
        byte[] data = DicomSamples.Part10PaddedWithNoise(4 * MiB);
        for (int i = 200; i < data.Length; i++)
        {
            data[i] = (byte)(data[i] % 16);
        }

        TestArchive.Write(dir.File("a.zip"), CompressionLevel.SmallestSize, ("ct.dcm", data));
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("a.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(data, collector.Contents["ct.dcm"]);
    }

    private static void WriteTinyEntries(string path, int count)
    {
        byte[] dicom = DicomSamples.Part10();
        using FileStream stream = File.Create(path);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create);
        for (int i = 0; i < count; i++)
        {
            using Stream content = archive.CreateEntry($"SERIES{i / 1000:D2}/IMG{i:D5}.dcm", CompressionLevel.Fastest).Open();
            content.Write(dicom);
        }
    }
}
