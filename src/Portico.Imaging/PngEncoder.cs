using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Portico.Imaging;

/// <summary>
/// Writes a <see cref="RenderedImage"/> as a PNG file (ISO/IEC 15948): 8-bit greyscale or truecolour, each row filtered
/// with the difference to the pixel on its left ("Sub"), compressed with zlib, in IDAT chunks of at most 64 KiB.
/// </summary>
public static class PngEncoder
{
    public const string MediaType = "image/png";

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes <paramref name="image"/> to <paramref name="target"/> (synchronously: use a memory stream, then copy it out).</summary>
    public static void Write(RenderedImage image, Stream target, CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(target);
        target.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8; // bit depth
        header[9] = image.Channels == 1 ? (byte)0 : (byte)2; // greyscale or truecolour
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // no interlace
        WriteChunk(target, "IHDR"u8, header);

        using (var chunks = new IdatStream(target))
        using (var zlib = new ZLibStream(chunks, level, leaveOpen: true))
        {
            int stride = image.Width * image.Channels;
            var row = new byte[stride + 1];
            row[0] = 1; // Sub
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> source = image.Pixels.AsSpan(y * stride, stride);
                source[..image.Channels].CopyTo(row.AsSpan(1));
                for (int x = image.Channels; x < stride; x++)
                {
                    row[x + 1] = (byte)(source[x] - source[x - image.Channels]);
                }

                zlib.Write(row);
            }
        }

        WriteChunk(target, "IEND"u8, []);
    }

    private static void WriteChunk(Stream target, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        target.Write(word);
        target.Write(type);
        target.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        target.Write(word);
    }

    /// <summary>Collects the zlib stream and writes it out as IDAT chunks.</summary>
    private sealed class IdatStream(Stream target) : Stream
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _count;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                int take = Math.Min(buffer.Length, _buffer.Length - _count);
                buffer[..take].CopyTo(_buffer.AsSpan(_count));
                _count += take;
                buffer = buffer[take..];
                if (_count == _buffer.Length)
                {
                    Flush();
                }
            }
        }

        public override void Flush()
        {
            if (_count > 0)
            {
                WriteChunk(target, "IDAT"u8, _buffer.AsSpan(0, _count));
                _count = 0;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Flush();
            }

            base.Dispose(disposing);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
