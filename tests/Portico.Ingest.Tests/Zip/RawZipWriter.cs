using System.Buffers.Binary;
using System.Text;

namespace Portico.Ingest.Tests.Zip;

/// <summary>
/// Writes a ZIP archive byte by byte following the PKWARE APPNOTE (4.3.7 local file header, 4.3.12 central
/// directory header, 4.3.16 end of central directory), for entries the BCL will not write: sizes and CRCs
/// that lie, the encryption flag. 32-bit fields only (no Zip64).
/// </summary>
internal sealed class RawZipWriter : IDisposable
{
    public const ushort Stored = 0;
    public const ushort Deflated = 8;
    public const ushort EncryptedFlag = 1;

    private readonly FileStream _stream;
    private readonly MemoryStream _centralDirectory = new();
    private int _entries;

    public RawZipWriter(string path) => _stream = File.Create(path);

    /// <summary>Writes one entry; <paramref name="writeData"/> writes its (compressed) data, whose length becomes the compressed size.</summary>
    public void AddEntry(string name, ushort method, uint crc, uint declaredUncompressedSize, Action<Stream> writeData, ushort flags = 0)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        uint localHeaderOffset = checked((uint)_stream.Position);
        var local = new byte[30 + nameBytes.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(local, 0x04034B50);
        BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(4), 20); // version needed: 2.0
        BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(8), method);
        BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(12), 0x21); // 1980-01-01
        BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(14), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(22), declaredUncompressedSize);
        BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(26), (ushort)nameBytes.Length);
        nameBytes.CopyTo(local, 30);
        _stream.Write(local);

        long dataStart = _stream.Position;
        writeData(_stream);
        uint compressedSize = checked((uint)(_stream.Position - dataStart));
        long end = _stream.Position;
        _stream.Position = localHeaderOffset + 18;
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, compressedSize);
        _stream.Write(size);
        _stream.Position = end;

        var central = new byte[46 + nameBytes.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(central, 0x02014B50);
        BinaryPrimitives.WriteUInt16LittleEndian(central.AsSpan(4), 20); // version made by: MS-DOS, 2.0
        BinaryPrimitives.WriteUInt16LittleEndian(central.AsSpan(6), 20);
        BinaryPrimitives.WriteUInt16LittleEndian(central.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(central.AsSpan(10), method);
        BinaryPrimitives.WriteUInt16LittleEndian(central.AsSpan(14), 0x21);
        BinaryPrimitives.WriteUInt32LittleEndian(central.AsSpan(16), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(central.AsSpan(20), compressedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(central.AsSpan(24), declaredUncompressedSize);
        BinaryPrimitives.WriteUInt16LittleEndian(central.AsSpan(28), (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(central.AsSpan(42), localHeaderOffset);
        nameBytes.CopyTo(central, 46);
        _centralDirectory.Write(central);
        _entries++;
    }

    public void Dispose()
    {
        uint directoryOffset = checked((uint)_stream.Position);
        _centralDirectory.WriteTo(_stream);
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054B50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)_entries);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)_entries);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)_centralDirectory.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), directoryOffset);
        _stream.Write(end);
        _stream.Dispose();
        _centralDirectory.Dispose();
    }
}
