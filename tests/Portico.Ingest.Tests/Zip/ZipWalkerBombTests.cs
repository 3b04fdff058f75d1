using System.Diagnostics;
using System.IO.Compression;
using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

/// <summary>ZIP bombs are refused without the temporary directory ever holding more than the limit.</summary>
public sealed class ZipWalkerBombTests(ZipBombs bombs) : IClassFixture<ZipBombs>
{
    private const long MiB = 1 << 20;

    [Fact]
    public void HonestBomb_IsFiveGibibytesDeclaredHonestly()
    {
        using ZipArchive archive = ZipFile.OpenRead(bombs.HonestPath);

        TestContext.Current.TestOutputHelper?.WriteLine($"5 GiB bomb deflated to {archive.Entries[0].CompressedLength:N0} bytes in {bombs.BuildSeconds:0.0} s");
        Assert.Equal(ZipBombs.BombBytes, archive.Entries[0].Length);
        Assert.True(archive.Entries[0].CompressedLength < 10 * MiB);
    }

    [Fact]
    public async Task WalkAsync_HonestBombWithDefaults_RefusedForItsRatioWithoutWriting()
    {
        (ZipWalkResult result, long maxBytes, TimeSpan elapsed) = await WalkAsync(bombs.HonestPath, new ZipLimits());

        TestContext.Current.TestOutputHelper?.WriteLine($"Refused in {elapsed.TotalMilliseconds:0} ms; temp directory peaked at {maxBytes:N0} bytes");
        Assert.True(result.Refused);
        Assert.Equal("The ZIP archive expands to more than 200 times its compressed size, which real images never do; it looks like a ZIP bomb", result.RefusalReason);
        Assert.Equal([new ZipEntryReport("bomb.dcm", ZipEntryDisposition.Refused, result.RefusalReason)], result.Entries);
        Assert.Equal(0, maxBytes);
    }

    [Fact]
    public async Task WalkAsync_HonestBombWithoutRatioLimit_RefusedForItsTotalWithoutWriting()
    {
        var limits = new ZipLimits { MaxCompressionRatio = 1e9, MaxEntryBytes = 8L << 30, MaxTotalUncompressedBytes = 64 * MiB };

        (ZipWalkResult result, long maxBytes, _) = await WalkAsync(bombs.HonestPath, limits);

        Assert.True(result.Refused);
        Assert.Equal("The ZIP archive expands to more than 64 MB", result.RefusalReason);
        Assert.Equal(0, maxBytes);
    }

    [Fact]
    public async Task WalkAsync_HonestBombWithoutRatioLimit_EntryRefusedAsLargerThanADicomFile()
    {
        (ZipWalkResult result, long maxBytes, _) = await WalkAsync(bombs.HonestPath, new ZipLimits { MaxCompressionRatio = 1e9 });

        Assert.False(result.Refused);
        Assert.Equal([new ZipEntryReport("bomb.dcm", ZipEntryDisposition.Refused, "This file is larger than 2 GB, the largest DICOM file accepted")], result.Entries);
        Assert.Equal(0, maxBytes);
    }

    [Fact]
    public async Task WalkAsync_BombDeclaringUnderAMegabyte_StopsAtTheDeclaredSizeAndRefusesTheDamagedEntry()
    {
        // The BCL stops inflating at the declared size; the CRC-32 of what came out then gives the lie away.
        (ZipWalkResult result, long maxBytes, TimeSpan elapsed) = await WalkAsync(bombs.LyingPath, new ZipLimits());

        TestContext.Current.TestOutputHelper?.WriteLine($"Walked in {elapsed.TotalMilliseconds:0} ms; temp directory peaked at {maxBytes:N0} bytes");
        Assert.Equal([new ZipEntryReport("bomb.dcm", ZipEntryDisposition.Refused, "This file is damaged in the ZIP archive, or compressed with a method that cannot be read")], result.Entries);
        Assert.True(maxBytes <= ZipBombs.LyingDeclaredBytes, $"{maxBytes} bytes written.");
    }

    [Fact]
    public async Task WalkAsync_StoredEntryLongerThanDeclared_RefusedAtTheDeclaredSize()
    {
        // Stored data is not capped by the BCL: the walker's own count stops it.
        (ZipWalkResult result, long maxBytes, _) = await WalkAsync(bombs.StoredLiePath, new ZipLimits());

        Assert.True(result.Refused);
        Assert.Equal("The ZIP archive is damaged or forged: a file in it expands beyond the size recorded for it", result.RefusalReason);
        Assert.Equal([new ZipEntryReport("bomb.dcm", ZipEntryDisposition.Refused, result.RefusalReason)], result.Entries);
        Assert.True(maxBytes <= ZipBombs.StoredLieDeclaredBytes, $"{maxBytes} bytes written.");
    }

    [Fact]
    public async Task WalkAsync_BombInsideNestedArchive_RefusedForItsRatio()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(dir.File("outer.zip"), CompressionLevel.NoCompression, ("scan.dcm", DicomSamples.Part10()), ("inner.zip", File.ReadAllBytes(bombs.HonestPath)));

        (ZipWalkResult result, long maxBytes, _) = await WalkAsync(dir.File("outer.zip"), new ZipLimits());

        Assert.True(result.Refused);
        Assert.Contains("ZIP bomb", result.RefusalReason, StringComparison.Ordinal);
        Assert.Equal(["scan.dcm", "inner.zip", "inner.zip/bomb.dcm"], result.Entries.Select(e => e.Name));
        Assert.Equal(ZipEntryDisposition.Refused, result.Entries[^1].Disposition);
        Assert.True(maxBytes < 10 * MiB, $"{maxBytes} bytes written."); // the nested archive itself, about 5 MB
    }

    /// <summary>Walks with a monitor on the temporary directory; only the nested-archive test expects a file handed over.</summary>
    private static async Task<(ZipWalkResult Result, long MaxBytes, TimeSpan Elapsed)> WalkAsync(string archive, ZipLimits limits)
    {
        using var dir = new TempDirectory();
        var collector = new FileCollector(keepContent: false);
        var monitor = new DirectorySizeMonitor(dir.UnpackPath);
        var clock = Stopwatch.StartNew();
        ZipWalkResult result;
        try
        {
            result = await new ZipWalker().WalkAsync(archive, dir.UnpackPath, limits, collector.OnFileAsync, TestContext.Current.CancellationToken);
        }
        finally
        {
            clock.Stop();
            monitor.Dispose();
        }

        Assert.All(collector.Names, name => Assert.Equal("scan.dcm", name));
        Assert.Empty(dir.LeftoverFiles());
        return (result, monitor.MaxBytes, clock.Elapsed);
    }
}
