using System.Buffers;

namespace Portico.Dicom.Network.Pdus;

/// <summary>Writes PDUs to a stream, each in a single write (no header/body split, see DESIGN.md on delayed ACKs).</summary>
public sealed class PduWriter
{
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public PduWriter(Stream stream)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
    }

    /// <summary>Bytes written to the stream so far.</summary>
    public long BytesWritten { get; private set; }

    public async ValueTask WriteAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        PduEncoder.Encode(pdu, _buffer);
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        BytesWritten += _buffer.WrittenCount;
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
