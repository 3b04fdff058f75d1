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

    public async ValueTask WriteAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        PduEncoder.Encode(pdu, _buffer);
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
