using System.Buffers.Binary;
using Xunit;
using Xunit.Sdk;

namespace Portico.Imaging.Tests;

/// <summary>
/// What the JPEG Lossless and JPEG-LS decoder tests share: finding and changing the segments of a stream, and the
/// hostile-input machinery (every cut, seeded mutations, a header claiming a huge image) that asserts a decoder throws
/// nothing but a <see cref="RenderingException"/>.
/// </summary>
internal static class JpegStreams
{
    /// <summary><see cref="JpegLosslessDecoder.Decode"/> or <see cref="JpegLsDecoder.Decode"/>.</summary>
    public delegate byte[] Decoder(PixelLayout layout, ReadOnlySpan<byte> frame);

    /// <summary>The offset of the first FF <paramref name="marker"/> in the stream's headers.</summary>
    public static int MarkerAt(byte[] jpeg, byte marker)
    {
        for (int i = 2; i + 3 < jpeg.Length;)
        {
            Assert.Equal(0xFF, jpeg[i]);
            if (jpeg[i + 1] == marker)
            {
                return i;
            }

            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }

        throw new InvalidOperationException($"No marker FF {marker:X2}.");
    }

    /// <summary>The length of the segment at <paramref name="at"/>, its marker included.</summary>
    public static int SegmentLength(byte[] jpeg, int at) => 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));

    public static int LastIndexOfEoi(byte[] frame) => frame.AsSpan().LastIndexOf([(byte)0xFF, (byte)0xD9]);

    public static byte[] With(byte[] jpeg, int at, byte value)
    {
        byte[] copy = (byte[])jpeg.Clone();
        copy[at] = value;
        return copy;
    }

    public static byte[] Without(byte[] jpeg, int segment) => [.. jpeg.AsSpan(0, segment), .. jpeg.AsSpan(segment + SegmentLength(jpeg, segment))];

    public static byte[] Insert(byte[] jpeg, int at, byte[] bytes) => [.. jpeg.AsSpan(0, at), .. bytes, .. jpeg.AsSpan(at)];

    /// <summary>
    /// Asserts that every cut of <paramref name="frame"/> to 0, <paramref name="step"/>, 2 × step ... bytes before
    /// <paramref name="end"/> is refused with a <see cref="RenderingException"/> that has a message.
    /// </summary>
    public static void AssertCutsRefused(Decoder decode, string name, PixelLayout layout, byte[] frame, int end, int step)
    {
        for (int length = 0; length < end; length += step)
        {
            try
            {
                decode(layout, frame.AsSpan(0, length));
                Assert.Fail($"{name} cut to {length} of {end} bytes decoded.");
            }
            catch (RenderingException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
            catch (Exception ex) when (ex is not XunitException)
            {
                Assert.Fail($"{name} cut to {length} of {end} bytes: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// Damages <paramref name="frame"/> by one of six kinds of mutation, by <paramref name="round"/>: bit flips, a lying
    /// 2-byte field in the first <paramref name="headerBytes"/>, a byte set to 0xFF, a marker of at least
    /// <paramref name="lowestMarker"/>, a byte set at random, or a cut. Returns what it did.
    /// </summary>
    public static string Mutate(ref byte[] frame, Random random, int round, int headerBytes, int lowestMarker)
    {
        switch (round % 6)
        {
            case 0:
            {
                int flips = random.Next(1, 9);
                for (int f = 0; f < flips; f++)
                {
                    frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                }

                return $"{flips} bit flips";
            }

            case 1:
            {
                // A lying length, count, size or parameter in the headers, big endian as JPEG's are.
                int at = random.Next(Math.Min(headerBytes, frame.Length - 1));
                ushort value = random.Next(3) switch { 0 => ushort.MaxValue, 1 => 0, _ => (ushort)random.Next(65_536) };
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), value);
                return $"2 bytes at {at} set to {value}";
            }

            case 2:
            {
                int at = random.Next(frame.Length);
                frame[at] = 0xFF;
                return $"byte {at} set to FF";
            }

            case 3:
            {
                int at = random.Next(frame.Length - 1);
                (frame[at], frame[at + 1]) = (0xFF, (byte)random.Next(lowestMarker, 0x100));
                return $"marker FF {frame[at + 1]:X2} at {at}";
            }

            case 4:
            {
                int at = random.Next(frame.Length);
                frame[at] = (byte)random.Next(256);
                return $"byte {at} set to {frame[at]}";
            }

            default:
            {
                int length = random.Next(frame.Length);
                frame = frame[..length];
                return $"cut to {length} bytes";
            }
        }
    }

    /// <summary>
    /// Decodes a mutated <paramref name="frame"/>: true when it is refused with a <see cref="RenderingException"/>,
    /// false when it decodes to a frame of the layout's size; any other exception fails the test, naming
    /// <paramref name="mutation"/>.
    /// </summary>
    public static bool IsRefused(Decoder decode, PixelLayout layout, byte[] frame, string mutation)
    {
        try
        {
            Assert.Equal(layout.FrameBytes, decode(layout, frame).Length);
            return false;
        }
        catch (RenderingException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            return true;
        }
        catch (Exception ex) when (ex is not XunitException)
        {
            Assert.Fail($"{mutation}: {ex.GetType().Name}: {ex.Message}");
            return false;
        }
    }

    /// <summary>
    /// Changes the frame header at <paramref name="sof"/> to claim <paramref name="rows"/> × <paramref name="columns"/>
    /// of <paramref name="bits"/> bits, with a layout that agrees, and asserts the stream is refused as too short for
    /// that before anything large is allocated.
    /// </summary>
    public static void AssertHugeHeaderRefusedWithoutAllocating(Decoder decode, byte[] jpeg, int sof, int rows, int columns, int samples, int bits)
    {
        jpeg[sof + 4] = (byte)bits;
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), (ushort)rows);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), (ushort)columns);
        var layout = new PixelLayout
        {
            Rows = rows,
            Columns = columns,
            SamplesPerPixel = samples,
            BitsAllocated = bits,
            BitsStored = bits,
            HighBit = bits - 1,
            Photometric = samples == 1 ? "MONOCHROME2" : "RGB",
        };

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<RenderingException>(() => decode(layout, jpeg));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("too few for the", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1024 * 1024, $"{allocated:N0} bytes allocated for a {jpeg.Length}-byte frame.");
    }
}
