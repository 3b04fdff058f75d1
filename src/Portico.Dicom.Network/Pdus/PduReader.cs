using System.Buffers;
using System.Buffers.Binary;

namespace Portico.Dicom.Network.Pdus;

/// <summary>
/// Reads PDUs from a stream. The 6-byte header is read first; the PDU type and length are checked
/// against <see cref="DicomNetworkLimits"/> before a (pooled) body buffer is rented.
/// </summary>
/// <remarks>
/// With <c>borrowPdvData</c> the reader keeps one body buffer for its lifetime and the PDV values of a P-DATA-TF are
/// slices of it, valid until the next <see cref="ReadAsync"/>: the C-STORE path hands them to its sink without a copy.
/// Call <see cref="Dispose"/> to give that buffer back.
/// </remarks>
public sealed class PduReader : IDisposable
{
    private readonly Stream _stream;
    private readonly DicomNetworkLimits _limits;
    private readonly byte[] _header = new byte[PduDecoder.HeaderLength];
    private readonly bool _borrowPdvData;
    private byte[]? _owned;

    public PduReader(Stream stream, DicomNetworkLimits? limits = null, bool borrowPdvData = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _limits = limits ?? DicomNetworkLimits.Default;
        _borrowPdvData = borrowPdvData;
    }

    /// <summary>Bytes read from the stream so far, headers included.</summary>
    public long BytesRead { get; private set; }

    public void Dispose()
    {
        if (_owned is not null)
        {
            ArrayPool<byte>.Shared.Return(_owned);
            _owned = null;
        }
    }

    /// <summary>Reads the next PDU, or null when the peer closed the connection cleanly between PDUs.</summary>
    public async ValueTask<Pdu?> ReadAsync(CancellationToken cancellationToken)
    {
        int got = await _stream.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        BytesRead += got;
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
        if (_borrowPdvData && type == PduType.PData)
        {
            if (_owned is null || _owned.Length < length)
            {
                if (_owned is not null)
                {
                    ArrayPool<byte>.Shared.Return(_owned);
                }
                _owned = null;
                _owned = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 16 * 1024));
            }
            await ReadBodyAsync(_owned, (int)length, type, cancellationToken).ConfigureAwait(false);
            return PduDecoder.DecodePDataInPlace(_owned.AsMemory(0, (int)length));
        }
        byte[] body = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            await ReadBodyAsync(body, (int)length, type, cancellationToken).ConfigureAwait(false);
            return PduDecoder.Decode(type, body.AsSpan(0, (int)length), _limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private async ValueTask ReadBodyAsync(byte[] body, int length, PduType type, CancellationToken cancellationToken)
    {
        int read = await _stream.ReadAtLeastAsync(body.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        BytesRead += read;
        if (read < length)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Truncated, $"The connection closed inside a {type} PDU ({read} of {length} bytes).");
        }
    }
}
