using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Portico.Imaging;

/// <summary>
/// Writes a <see cref="RenderedImage"/> as a PNG file (ISO/IEC 15948): 8-bit greyscale or truecolour, each row with the
/// filter that suits it best (<see cref="Filter"/>), compressed with zlib, in IDAT chunks of at most 64 KiB.
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
            var candidates = new byte[5][];
            for (int f = 0; f < candidates.Length; f++)
            {
                candidates[f] = new byte[stride + 1];
                candidates[f][0] = (byte)f;
            }

            ReadOnlySpan<byte> above = new byte[stride]; // the row above the first is zeros (ISO/IEC 15948 §9.2)
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> row = image.Pixels.AsSpan(y * stride, stride);
                zlib.Write(candidates[Filter(row, above, image.Channels, candidates)]);
                above = row;
            }
        }

        WriteChunk(target, "IEND"u8, []);
    }

    /// <summary>
    /// Fills each filter type's version of <paramref name="row"/> (None, Sub, Up, Average, Paeth: ISO/IEC 15948 §9.2) and
    /// returns the one whose bytes, read as signed, add up to the least: the usual heuristic for what deflate compresses
    /// best (smooth images favour Paeth and Up, flat ones Sub).
    /// </summary>
    private static int Filter(ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, int channels, byte[][] candidates)
    {
        Span<long> costs = stackalloc long[5];
        for (int x = 0; x < row.Length; x++)
        {
            int a = x >= channels ? row[x - channels] : 0, b = above[x], c = x >= channels ? above[x - channels] : 0;
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            int paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            Span<byte> values = [row[x], (byte)(row[x] - a), (byte)(row[x] - b), (byte)(row[x] - ((a + b) >> 1)), (byte)(row[x] - paeth)];
            for (int f = 0; f < 5; f++)
            {
                candidates[f][x + 1] = values[f];
                costs[f] += Math.Abs((int)(sbyte)values[f]);
            }
        }

        int best = 0;
        for (int f = 1; f < 5; f++)
        {
            best = costs[f] < costs[best] ? f : best;
        }

        return best;
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
