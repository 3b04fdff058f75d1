using System.Buffers;

namespace Portico.Dicom.IO;

/// <summary>
/// A write-only buffer in front of a stream with its array rented from the shared pool (unlike
/// BufferedStream, which allocates one per instance). Flushes on <see cref="Dispose(bool)"/>; never closes the inner stream.
/// </summary>
internal sealed class PooledWriteBuffer : Stream
{
    private readonly Stream _inner;
    private byte[] _buffer;
    private int _count;

    public PooledWriteBuffer(Stream inner, int size = 64 * 1024)
    {
        _inner = inner;
        _buffer = ArrayPool<byte>.Shared.Rent(size);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > _buffer.Length - _count)
        {
            FlushBuffer();
            if (buffer.Length >= _buffer.Length)
            {
                _inner.Write(buffer);
                return;
            }
        }

        buffer.CopyTo(_buffer.AsSpan(_count));
        _count += buffer.Length;
    }

    public override void WriteByte(byte value)
    {
        if (_count == _buffer.Length)
        {
            FlushBuffer();
        }

        _buffer[_count++] = value;
    }

    public override void Flush()
    {
        FlushBuffer();
        _inner.Flush();
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_count > 0)
        {
            await _inner.WriteAsync(_buffer.AsMemory(0, _count), cancellationToken).ConfigureAwait(false);
            _count = 0;
        }

        await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            FlushBuffer();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        base.Dispose(disposing);
    }

    private void FlushBuffer()
    {
        if (_count > 0)
        {
            _inner.Write(_buffer, 0, _count);
            _count = 0;
        }
    }
}
