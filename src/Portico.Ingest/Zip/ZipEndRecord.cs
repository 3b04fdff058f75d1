using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Portico.Ingest.Zip;

/// <summary>
/// The entry count and table-of-contents size an archive declares in its End of Central Directory record
/// (APPNOTE 4.3.16), or in the Zip64 record (4.3.14) that its locator (4.3.15) points to. Read before the
/// BCL loads the central directory, which it keeps whole in memory, so that an archive declaring millions
/// of entries is refused without being loaded.
/// </summary>
internal readonly record struct ZipEndRecord(long EntryCount, long CentralDirectoryBytes)
{
    private const uint Zip64LocatorSignature = 0x07064B50;
    private const uint Zip64EndSignature = 0x06064B50;
    private const int EndLength = 22;
    private const int MaxCommentLength = 0xFFFF;
    private const int Zip64LocatorLength = 20;
    private const int Zip64EndLength = 56;

    /// <summary>The declared counts, or null when the file has no end record (it is not a ZIP archive).</summary>
    public static async ValueTask<ZipEndRecord?> ReadAsync(SafeFileHandle file, CancellationToken cancellationToken)
    {
        long fileLength = RandomAccess.GetLength(file);
        if (fileLength < EndLength)
        {
            return null;
        }

        // The end record is the last thing in the file but for its comment; the Zip64 locator sits just before it.
        int tailLength = (int)Math.Min(fileLength, Zip64LocatorLength + EndLength + MaxCommentLength);
        byte[] tail = ArrayPool<byte>.Shared.Rent(Math.Max(tailLength, Zip64EndLength));
        try
        {
            if (!await TryReadExactlyAsync(file, tail.AsMemory(0, tailLength), fileLength - tailLength, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            int end = tail.AsSpan(0, tailLength - EndLength + 4).LastIndexOf(EndSignature);
            if (end < 0)
            {
                return null;
            }

            ReadOnlySpan<byte> record = tail.AsSpan(end, EndLength);
            long entries = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
            long directoryBytes = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
            uint directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
            bool mayBeZip64 = entries == 0xFFFF || directoryBytes == 0xFFFFFFFF || directoryOffset == 0xFFFFFFFF;
            if (!mayBeZip64 || end < Zip64LocatorLength
                || BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end - Zip64LocatorLength)) != Zip64LocatorSignature)
            {
                return new ZipEndRecord(entries, directoryBytes);
            }

            ulong zip64EndOffset = BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(end - Zip64LocatorLength + 8));
            if (zip64EndOffset > (ulong)(fileLength - Zip64EndLength)
                || !await TryReadExactlyAsync(file, tail.AsMemory(0, Zip64EndLength), (long)zip64EndOffset, cancellationToken).ConfigureAwait(false)
                || BinaryPrimitives.ReadUInt32LittleEndian(tail) != Zip64EndSignature)
            {
                return null;
            }

            return new ZipEndRecord(
                Saturate(BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(32))),
                Saturate(BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(40))));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(tail);
        }
    }

    /// <summary>"PK\u0005\u0006", 0x06054B50 little endian.</summary>
    private static ReadOnlySpan<byte> EndSignature => [0x50, 0x4B, 0x05, 0x06];

    private static long Saturate(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private static async ValueTask<bool> TryReadExactlyAsync(SafeFileHandle file, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int read = await RandomAccess.ReadAsync(file, buffer, offset, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
            offset += read;
        }

        return true;
    }
}
