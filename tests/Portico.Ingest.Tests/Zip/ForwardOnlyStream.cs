namespace Portico.Ingest.Tests.Zip;

/// <summary>
/// A write-only stream that cannot seek, as an HTTP response or a pipe: the BCL then writes each entry with a
/// data descriptor after its data (APPNOTE 4.3.9), as streaming zip tools (Java, browsers, macOS) do.
/// </summary>
internal sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
