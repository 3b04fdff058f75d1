using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;

namespace Portico.Ingest.Tests.Zip;

/// <summary>
/// The zip bombs of <see cref="ZipWalkerBombTests"/>, built once for the class: 5 GiB of zeros behind a DICOM
/// header, deflated at <see cref="CompressionLevel.SmallestSize"/> as a stream (never held in memory) to about
/// 5 MB, declared honestly (Zip64, as the BCL writes it); the same compressed data in an archive that declares
/// under a megabyte; and a stored entry whose data runs far past its declared size.
/// </summary>
public sealed class ZipBombs : IDisposable
{
    public const long BombBytes = 5L << 30;
    public const uint LyingDeclaredBytes = 1_000_000;
    public const uint StoredLieDeclaredBytes = 2_000;
    public const int StoredLieActualBytes = 64 << 20;

    private readonly TempDirectory _directory = new();

    public ZipBombs()
    {
        var clock = Stopwatch.StartNew();
        HonestPath = _directory.File("honest-bomb.zip");
        using (FileStream stream = File.Create(HonestPath))
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create))
        using (Stream content = archive.CreateEntry("bomb.dcm", CompressionLevel.SmallestSize).Open())
        {
            var chunk = new byte[1 << 20];
            DicomSamples.Part10(pixelBytes: 0).CopyTo(chunk, 0);
            content.Write(chunk);
            Array.Clear(chunk);
            for (long written = chunk.Length; written < BombBytes; written += chunk.Length)
            {
                content.Write(chunk);
            }
        }

        BuildSeconds = clock.Elapsed.TotalSeconds;

        // The deflate stream of the honest bomb, under a local header that says it inflates to under a megabyte.
        byte[] compressed = CompressedData(HonestPath, out uint crc);
        LyingPath = _directory.File("lying-bomb.zip");
        using (var writer = new RawZipWriter(LyingPath))
        {
            writer.AddEntry("bomb.dcm", RawZipWriter.Deflated, crc, LyingDeclaredBytes, s => s.Write(compressed));
        }

        StoredLiePath = _directory.File("stored-lie.zip");
        using (var writer = new RawZipWriter(StoredLiePath))
        {
            writer.AddEntry("bomb.dcm", RawZipWriter.Stored, crc: 0, StoredLieDeclaredBytes, s =>
            {
                byte[] header = DicomSamples.Part10(pixelBytes: 0);
                s.Write(header);
                s.Write(new byte[StoredLieActualBytes - header.Length]);
            });
        }
    }

    public string HonestPath { get; }

    public string LyingPath { get; }

    public string StoredLiePath { get; }

    public double BuildSeconds { get; }

    public void Dispose() => _directory.Dispose();

    /// <summary>The compressed bytes of the single entry of a BCL-written archive: after its local header (APPNOTE 4.3.7).</summary>
    private static byte[] CompressedData(string path, out uint crc)
    {
        long compressedLength;
        using (ZipArchive archive = ZipFile.OpenRead(path))
        {
            compressedLength = archive.Entries[0].CompressedLength;
            crc = archive.Entries[0].Crc32;
        }

        using FileStream stream = File.OpenRead(path);
        Span<byte> header = stackalloc byte[30];
        stream.ReadExactly(header);
        int dataOffset = 30 + BinaryPrimitives.ReadUInt16LittleEndian(header[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        var data = new byte[compressedLength];
        stream.Position = dataOffset;
        stream.ReadExactly(data);
        return data;
    }
}
