using System.Buffers;

namespace Portico.Dicom.IO;

/// <summary>
/// A pooled read buffer over a stream that knows the absolute offset of every byte. Skips by
/// seeking when it can, so a header read never pulls bulk data through memory.
/// </summary>
internal sealed class BufferedSource : IDisposable
{
    private const int InitialSize = 64 * 1024;
    private readonly Stream _stream;
    private readonly long _maxLength;
    private byte[] _buffer;
    private int _start;
    private int _end;

    public BufferedSource(Stream stream, long basePosition = 0, long maxLength = long.MaxValue)
    {
        _stream = stream;
        _maxLength = maxLength;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        Position = basePosition;
    }

    /// <summary>Absolute offset of the first buffered byte.</summary>
    public long Position { get; private set; }

    public bool EndOfStream { get; private set; }

    public bool CanSeek => _stream.CanSeek;

    public ReadOnlyMemory<byte> Buffered => _buffer.AsMemory(_start, _end - _start);

    public int Count => _end - _start;

    public void Consume(long count)
    {
        _start += checked((int)count);
        Position += count;
    }

    /// <summary>Reads until at least <paramref name="minimum"/> bytes are buffered or the stream ends. False when it ended short.</summary>
    public async ValueTask<bool> FillAsync(long minimum, CancellationToken cancellationToken)
    {
        if (Count >= minimum)
        {
            return true;
        }

        // The caller's minimum is bounded by the reader's defer threshold plus a header, never by raw input.
        int needed = checked((int)minimum);
        if (needed > _buffer.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, Count);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
            _end -= _start;
            _start = 0;
        }
        else if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, Count);
            _end -= _start;
            _start = 0;
        }

        while (Count < minimum && !EndOfStream)
        {
            int n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                EndOfStream = true;
                break;
            }

            _end += n;
            if (Position + Count > _maxLength)
            {
                throw new DicomFormatException($"Invalid DICOM: the data set is larger than the limit of {_maxLength} bytes.");
            }
        }

        return Count >= minimum;
    }

    /// <summary>Skips <paramref name="count"/> bytes: from the buffer, then by seeking or reading.</summary>
    public async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        int fromBuffer = (int)Math.Min(count, Count);
        Consume(fromBuffer);
        long rest = count - fromBuffer;
        if (rest == 0)
        {
            return;
        }

        if (_stream.CanSeek)
        {
            long target = _stream.Position + rest;
            if (target > _stream.Length)
            {
                throw new DicomFormatException(DicomReadError.Truncated, Position, null);
            }

            _stream.Position = target;
            Position += rest;
            return;
        }

        while (rest > 0)
        {
            bool any = await FillAsync(1, cancellationToken).ConfigureAwait(false);
            if (!any)
            {
                throw new DicomFormatException(DicomReadError.Truncated, Position, null);
            }

            int n = (int)Math.Min(rest, Count);
            Consume(n);
            rest -= n;
        }
    }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (!destination.IsEmpty)
        {
            if (Count == 0 && !await FillAsync(1, cancellationToken).ConfigureAwait(false))
            {
                throw new DicomFormatException(DicomReadError.Truncated, Position, null);
            }

            int n = Math.Min(destination.Length, Count);
            _buffer.AsSpan(_start, n).CopyTo(destination.Span);
            Consume(n);
            destination = destination[n..];
        }
    }

    /// <summary>The bytes still buffered followed by the rest of the stream (used to inflate a deflated data set).</summary>
    public Stream RemainderAsStream() => new ConcatStream(_buffer.AsMemory(_start, Count).ToArray(), _stream);

    public void Dispose()
    {
        byte[] b = _buffer;
        _buffer = [];
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private sealed class ConcatStream(byte[] head, Stream tail) : Stream
    {
        private int _headPos;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_headPos < head.Length)
            {
                int n = Math.Min(buffer.Length, head.Length - _headPos);
                head.AsSpan(_headPos, n).CopyTo(buffer);
                _headPos += n;
                return n;
            }

            return tail.Read(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_headPos < head.Length)
            {
                return Read(buffer.Span);
            }

            return await tail.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
