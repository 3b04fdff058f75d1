using System.Buffers;
using System.Buffers.Binary;

namespace Portico.Dicom.Network.Pdus;

/// <summary>
/// Reads PDUs from a stream. The 6-byte header is read first; the PDU type and length are checked
/// against <see cref="DicomNetworkLimits"/> before a (pooled) body buffer is rented.
/// </summary>
public sealed class PduReader
{
    private readonly Stream _stream;
    private readonly DicomNetworkLimits _limits;
    private readonly byte[] _header = new byte[PduDecoder.HeaderLength];

    public PduReader(Stream stream, DicomNetworkLimits? limits = null)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _limits = limits ?? DicomNetworkLimits.Default;
    }

    /// <summary>Reads the next PDU, or null when the peer closed the connection cleanly between PDUs.</summary>
    public async ValueTask<Pdu?> ReadAsync(CancellationToken cancellationToken)
    {
        int got = await _stream.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }
        if (got < _header.Length)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Truncated, $"The connection closed inside a PDU header ({got} of 6 bytes).");
        }
        var type = (PduType)_header[0];
        if (!Enum.IsDefined(type))
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.UnknownPduType, $"PDU type 0x{_header[0]:X2} is not defined by PS3.8 §9.3.");
        }
        uint length = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(2));
        uint max = _limits.MaxLengthFor(type);
        if (length > max)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.PduTooLong, $"{type} PDU announces {length} bytes; the limit is {max}.");
        }
        byte[] body = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            int read = await _stream.ReadAtLeastAsync(body.AsMemory(0, (int)length), (int)length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < length)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.Truncated, $"The connection closed inside a {type} PDU ({read} of {length} bytes).");
            }
            return PduDecoder.Decode(type, body.AsSpan(0, (int)length), _limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
