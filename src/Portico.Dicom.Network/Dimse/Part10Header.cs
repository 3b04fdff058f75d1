using System.Buffers;
using System.Buffers.Binary;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;

namespace Portico.Dicom.Network.Dimse;

/// <summary>
/// The preamble and File Meta Information of a Part 10 stream (PS3.10 §7.1), read without touching the data set: what
/// a C-STORE sub-operation or an SCU needs to send a stored file (SOP class, SOP instance, transfer syntax), with the
/// stream left at the first byte of the data set.
/// </summary>
public sealed class Part10Header
{
    /// <summary>128-byte preamble plus "DICM".</summary>
    public const int PreambleLength = 132;

    /// <summary>Largest File Meta Information group accepted (checked before it is read). Default 64 KiB.</summary>
    public const int MaxMetaLength = 64 * 1024;

    private Part10Header(DicomDataset meta, string sopClassUid, string sopInstanceUid, string transferSyntaxUid, long length)
    {
        Meta = meta;
        SopClassUid = sopClassUid;
        SopInstanceUid = sopInstanceUid;
        TransferSyntaxUid = transferSyntaxUid;
        Length = length;
    }

    /// <summary>The File Meta Information elements (group 0002), decoded by Portico.Dicom's reader.</summary>
    public DicomDataset Meta { get; }

    /// <summary>Media Storage SOP Class UID (0002,0002).</summary>
    public string SopClassUid { get; }

    /// <summary>Media Storage SOP Instance UID (0002,0003).</summary>
    public string SopInstanceUid { get; }

    /// <summary>Transfer Syntax UID (0002,0010): the encoding of the data set that follows.</summary>
    public string TransferSyntaxUid { get; }

    /// <summary>Bytes read from the stream: preamble, "DICM" and the meta group. The data set starts right after.</summary>
    public long Length { get; }

    /// <summary>
    /// Reads the preamble and the meta group from <paramref name="stream"/> and leaves it at the start of the data set.
    /// Uses File Meta Information Group Length (0002,0000) when present (PS3.10 requires it); without it, walks the
    /// group element by element, which needs a seekable stream to step back over the first data set element header.
    /// </summary>
    /// <exception cref="DicomFormatException">Not a Part 10 stream, a meta group that is too long or cut short, or a required UID missing.</exception>
    public static async ValueTask<Part10Header> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] head = new byte[PreambleLength + 12];
        int got = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got < PreambleLength + 8 || !head.AsSpan(128, 4).SequenceEqual("DICM"u8))
        {
            throw new DicomFormatException("Not a DICOM Part 10 stream: no 128-byte preamble followed by \"DICM\" (PS3.10 §7.1).");
        }
        ReadOnlySpan<byte> first = head.AsSpan(PreambleLength, got - PreambleLength);
        byte[] metaBytes;
        if (first.Length == 12 && BinaryPrimitives.ReadUInt32LittleEndian(first) == 0x0000_0002 && first[4] == (byte)'U' && first[5] == (byte)'L'
            && BinaryPrimitives.ReadUInt16LittleEndian(first[6..]) == 4)
        {
            uint groupLength = BinaryPrimitives.ReadUInt32LittleEndian(first[8..]);
            if (groupLength > MaxMetaLength)
            {
                throw new DicomFormatException($"File Meta Information Group Length {groupLength} is above the limit of {MaxMetaLength} bytes.");
            }
            metaBytes = new byte[12 + groupLength];
            first.CopyTo(metaBytes);
            await ReadExactlyAsync(stream, metaBytes.AsMemory(12), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            metaBytes = await WalkMetaAsync(stream, first.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        DicomDataset meta = await DecodeMetaAsync(metaBytes, cancellationToken).ConfigureAwait(false);
        string sopClass = Required(meta, DicomTags.MediaStorageSOPClassUID, "Media Storage SOP Class UID (0002,0002)");
        string sopInstance = Required(meta, DicomTags.MediaStorageSOPInstanceUID, "Media Storage SOP Instance UID (0002,0003)");
        string syntax = Required(meta, DicomTags.TransferSyntaxUID, "Transfer Syntax UID (0002,0010)");
        return new Part10Header(meta, sopClass, sopInstance, syntax, PreambleLength + metaBytes.Length);
    }

    /// <summary>Opens a file and reads its header; the returned stream is at the start of the data set (the caller disposes it).</summary>
    public static async ValueTask<(Part10Header Header, Stream DataSet)> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        try
        {
            Part10Header header = await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            return (header, stream);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Required(DicomDataset meta, DicomTag tag, string what)
    {
        string? value = meta.GetString(tag)?.TrimEnd('\0', ' ');
        return string.IsNullOrEmpty(value) ? throw new DicomFormatException($"The File Meta Information has no {what}.") : value;
    }

    /// <summary>No group length: read explicit VR little endian element headers (PS3.10 §7.1) while the group is 0002.</summary>
    private static async ValueTask<byte[]> WalkMetaAsync(Stream stream, byte[] alreadyRead, CancellationToken cancellationToken)
    {
        var collected = new ArrayBufferWriter<byte>(512);
        byte[] header = new byte[12];
        int pending = alreadyRead.Length;
        alreadyRead.CopyTo(header, 0);
        while (true)
        {
            if (pending < 8)
            {
                pending += await stream.ReadAtLeastAsync(header.AsMemory(pending, 8 - pending), 8 - pending, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (pending == 0)
                {
                    break; // meta only, no data set
                }
                if (pending < 8)
                {
                    throw new DicomFormatException("The File Meta Information is cut short.");
                }
            }
            if (BinaryPrimitives.ReadUInt16LittleEndian(header) != 0x0002)
            {
                // The first data set element: step back over what was read of it.
                if (!stream.CanSeek)
                {
                    throw new DicomFormatException("The File Meta Information has no group length (0002,0000) and the stream cannot seek back.");
                }
                stream.Seek(-pending, SeekOrigin.Current);
                break;
            }
            bool longForm = IsLongFormVR(header[4], header[5]);
            int headerLength = longForm ? 12 : 8;
            if (pending < headerLength)
            {
                await ReadExactlyAsync(stream, header.AsMemory(pending, headerLength - pending), cancellationToken).ConfigureAwait(false);
                pending = headerLength;
            }
            long valueLength = longForm ? BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)) : BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
            if (collected.WrittenCount + headerLength + valueLength > MaxMetaLength)
            {
                throw new DicomFormatException($"The File Meta Information is longer than {MaxMetaLength} bytes.");
            }
            collected.Write(header.AsSpan(0, headerLength));
            // Bytes read beyond the header (when the first 12 were read at once) belong to the value.
            int extra = pending - headerLength;
            Memory<byte> value = collected.GetMemory((int)valueLength)[..(int)valueLength];
            if (extra > 0)
            {
                int take = (int)Math.Min(extra, valueLength);
                header.AsSpan(headerLength, take).CopyTo(value.Span);
                header.AsSpan(headerLength + take, extra - take).CopyTo(header);
                pending = extra - take;
                await ReadExactlyAsync(stream, value[take..], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                pending = 0;
                await ReadExactlyAsync(stream, value, cancellationToken).ConfigureAwait(false);
            }
            collected.Advance((int)valueLength);
        }
        return collected.WrittenSpan.ToArray();
    }

    private static bool IsLongFormVR(byte a, byte b) => (a, b) switch
    {
        ((byte)'O', (byte)'B') or ((byte)'O', (byte)'W') or ((byte)'O', (byte)'F') or ((byte)'O', (byte)'D') or ((byte)'O', (byte)'L') or ((byte)'O', (byte)'V')
            or ((byte)'S', (byte)'Q') or ((byte)'U', (byte)'T') or ((byte)'U', (byte)'N') or ((byte)'U', (byte)'C') or ((byte)'U', (byte)'R')
            or ((byte)'S', (byte)'V') or ((byte)'U', (byte)'V') => true,
        _ => false,
    };

    private static async ValueTask ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            throw new DicomFormatException("The File Meta Information is cut short.");
        }
    }

    /// <summary>Decodes the meta bytes with Portico.Dicom's reader ("DICM" + group 0002, nothing after it).</summary>
    private static async ValueTask<DicomDataset> DecodeMetaAsync(byte[] metaBytes, CancellationToken cancellationToken)
    {
        byte[] framed = new byte[4 + metaBytes.Length];
        "DICM"u8.CopyTo(framed);
        metaBytes.CopyTo(framed, 4);
        using var memory = new MemoryStream(framed, writable: false);
        DicomFile file = await DicomFile.ReadAsync(memory, DicomFileReadOptions.Default, cancellationToken).ConfigureAwait(false);
        return file.Meta;
    }
}
