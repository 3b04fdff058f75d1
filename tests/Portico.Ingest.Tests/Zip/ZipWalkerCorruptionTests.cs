using System.Buffers.Binary;
using System.IO.Compression;
using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

/// <summary>Damaged archives give a refusal or a refused entry, never an exception and never altered content.</summary>
public sealed class ZipWalkerCorruptionTests
{
    private static readonly (string Name, byte[] Data)[] Originals =
    [
        ("dir/", []),
        ("a.dcm", DicomSamples.Part10("1.2.3.1", pixelBytes: 300)),
        ("b.dcm", DicomSamples.Part10("1.2.3.2")),
        ("note.txt", "not an image"u8.ToArray()),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(21)]
    [InlineData(4096)]
    public async Task WalkAsync_NotAZipArchive_RefusedWithAClearReason(int length)
    {
        using var dir = new TempDirectory();
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        await File.WriteAllBytesAsync(dir.File("upload.zip"), bytes, TestContext.Current.CancellationToken);

        ZipWalkResult result = await WalkAsync(dir, dir.File("upload.zip"));

        Assert.Equal(new ZipWalkResult([], true, "The file is not a valid ZIP archive"), result with { Entries = [] });
        Assert.Empty(result.Entries);
    }

    [Fact]
    public async Task WalkAsync_DicomFileInsteadOfZip_Refused()
    {
        using var dir = new TempDirectory();
        File.Copy(DicomSamples.PydicomPath("CT_small.dcm"), dir.File("upload.zip"));

        ZipWalkResult result = await WalkAsync(dir, dir.File("upload.zip"));

        Assert.True(result.Refused);
        Assert.Equal("The file is not a valid ZIP archive", result.RefusalReason);
    }

    [Fact]
    public async Task WalkAsync_DamagedDeflateData_EntryRefusedOthersExtracted()
    {
        using var dir = new TempDirectory();
        byte[] large = DicomSamples.Part10PaddedWithNoise(200_000);
        TestArchive.Write(dir.File("upload.zip"), ("a.dcm", large), ("b.dcm", Originals[2].Data));
        byte[] bytes = await File.ReadAllBytesAsync(dir.File("upload.zip"), TestContext.Current.CancellationToken);
        for (int i = 1000; i < 1100; i++)
        {
            bytes[i] ^= 0x5A; // inside a.dcm's compressed data
        }

        await File.WriteAllBytesAsync(dir.File("upload.zip"), bytes, TestContext.Current.CancellationToken);
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("upload.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(new ZipEntryReport("a.dcm", ZipEntryDisposition.Refused, "This file is damaged in the ZIP archive, or compressed with a method that cannot be read"), result.Entries[0]);
        Assert.Equal(["b.dcm"], collector.Names);
        Assert.Empty(dir.LeftoverFiles());
    }

    [Fact]
    public async Task WalkAsync_UnsupportedCompressionMethod_EntryRefusedOthersExtracted()
    {
        using var dir = new TempDirectory();
        byte[] plain = DicomSamples.Part10();
        using (var writer = new RawZipWriter(dir.File("lzma.zip")))
        {
            const ushort Lzma = 14; // APPNOTE 4.4.5
            writer.AddEntry("lzma.dcm", Lzma, ZipCrc32.Append(0, plain), (uint)plain.Length, s => s.Write(new byte[100]));
            writer.AddEntry("plain.dcm", RawZipWriter.Stored, ZipCrc32.Append(0, plain), (uint)plain.Length, s => s.Write(plain));
        }

        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("lzma.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.False(result.Refused);
        Assert.Equal(new ZipEntryReport("lzma.dcm", ZipEntryDisposition.Refused, "This file is damaged in the ZIP archive, or compressed with a method that cannot be read"), result.Entries[0]);
        Assert.Equal(["plain.dcm"], collector.Names);
    }

    [Fact]
    public async Task WalkAsync_EveryTruncation_NeverThrows()
    {
        using var dir = new TempDirectory();
        byte[] archive = TestArchive.Bytes(Originals);

        for (int length = 0; length < archive.Length; length++)
        {
            await File.WriteAllBytesAsync(dir.File("cut.zip"), archive[..length], TestContext.Current.CancellationToken);

            ZipWalkResult result = await WalkAsync(dir, dir.File("cut.zip"));

            Assert.True(result.Refused, $"Cut at {length} bytes.");
        }
    }

    [Fact]
    public async Task WalkAsync_EveryByteFlipped_NeverThrowsNorDeliversAlteredContent()
    {
        using var dir = new TempDirectory();
        byte[] archive = TestArchive.Bytes(Originals);
        Dictionary<string, byte[]> originals = Originals.ToDictionary(o => o.Name, o => o.Data);
        int delivered = 0;

        for (int position = 0; position < archive.Length; position++)
        {
            byte[] damaged = (byte[])archive.Clone();
            damaged[position] ^= 0xFF;
            await File.WriteAllBytesAsync(dir.File("flip.zip"), damaged, TestContext.Current.CancellationToken);
            var collector = new FileCollector();

            ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("flip.zip"), dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);

            Assert.NotNull(result);
            foreach (byte[] content in collector.Contents.Values)
            {
                // A flipped name may hand a file over under another name; its bytes are always intact (CRC-32).
                Assert.True(originals.Values.Any(original => original.AsSpan().SequenceEqual(content)), $"Flip at {position} delivered altered content.");
            }

            Assert.Empty(dir.LeftoverFiles());
            delivered += collector.Contents.Count;
        }

        Assert.True(delivered > 0); // most flips touch fields that do not matter, so intact files still come through
    }

    [Fact]
    public async Task WalkAsync_EndRecordUnderstatesTheEntryCount_RefusedWithinMaxEntries()
    {
        using var dir = new TempDirectory();
        TestArchive.Write(dir.File("upload.zip"), [.. Enumerable.Range(0, 5).Select(i => ($"img{i}.dcm", DicomSamples.Part10($"1.2.3.{i}")))]);
        byte[] bytes = await File.ReadAllBytesAsync(dir.File("upload.zip"), TestContext.Current.CancellationToken);
        int end = bytes.Length - 22; // no comment: the end record is the last 22 bytes (APPNOTE 4.3.16)
        Assert.Equal(0x06054B50u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 10), 1);
        await File.WriteAllBytesAsync(dir.File("upload.zip"), bytes, TestContext.Current.CancellationToken);
        var collector = new FileCollector();

        ZipWalkResult result = await new ZipWalker().WalkAsync(dir.File("upload.zip"), dir.UnpackPath, new ZipLimits { MaxEntries = 3 }, collector.OnFileAsync, TestContext.Current.CancellationToken);

        Assert.True(result.Refused);
        Assert.True(collector.Names.Count <= 3, $"{collector.Names.Count} files handed over.");
    }

    private static Task<ZipWalkResult> WalkAsync(TempDirectory dir, string archive)
    {
        var collector = new FileCollector();
        return new ZipWalker().WalkAsync(archive, dir.UnpackPath, new ZipLimits(), collector.OnFileAsync, TestContext.Current.CancellationToken);
    }
}
