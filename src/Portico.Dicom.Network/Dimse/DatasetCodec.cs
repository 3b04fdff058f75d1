using System.Buffers.Binary;
using System.Text;
using Portico.Dicom.Data;
using Portico.Dicom.IO;

namespace Portico.Dicom.Network.Dimse;

/// <summary>
/// DIMSE data sets (identifiers, C-FIND responses) to and from bytes in a negotiated transfer syntax, through
/// Portico.Dicom's reader and writer. Only for small data sets held in memory; instances are streamed elsewhere.
/// </summary>
public static class DatasetCodec
{
    /// <summary>Encodes <paramref name="dataset"/> as the bytes of a data set PDV stream in <paramref name="transferSyntaxUid"/>.</summary>
    public static byte[] Encode(DicomDataset dataset, string transferSyntaxUid)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        TransferSyntax syntax = TransferSyntax.FromUid(transferSyntaxUid);
        using var output = new MemoryStream();
        using (var writer = new DicomWriter(output))
        {
            writer.WriteDataset(dataset, syntax);
        }
        return output.ToArray();
    }

    /// <summary>Decodes a data set received in <paramref name="transferSyntaxUid"/>.</summary>
    /// <exception cref="DicomFormatException">The bytes are not a data set in that syntax.</exception>
    public static async Task<DicomDataset> DecodeAsync(ReadOnlyMemory<byte> data, string transferSyntaxUid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(transferSyntaxUid);
        // The reader takes its syntax from the meta group: "DICM" then (0002,0010) in Explicit VR Little Endian.
        byte[] uid = Encoding.ASCII.GetBytes(transferSyntaxUid.Length % 2 == 0 ? transferSyntaxUid : transferSyntaxUid + "\0");
        byte[] prefix = new byte[4 + 8 + uid.Length];
        "DICM"u8.CopyTo(prefix);
        BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(4), 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(6), 0x0010);
        prefix[8] = (byte)'U';
        prefix[9] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(10), (ushort)uid.Length);
        uid.CopyTo(prefix, 12);
        byte[] whole = new byte[prefix.Length + data.Length];
        prefix.CopyTo(whole, 0);
        data.Span.CopyTo(whole.AsSpan(prefix.Length));
        using var stream = new MemoryStream(whole, writable: false);
        DicomFile file = await DicomFile.ReadAsync(stream, new DicomFileReadOptions { MaxLoadedValueLength = whole.Length, DeferValuesLongerThan = uint.MaxValue }, cancellationToken).ConfigureAwait(false);
        return file.Dataset;
    }
}
