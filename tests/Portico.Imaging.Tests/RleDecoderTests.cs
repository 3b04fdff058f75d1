using System.Buffers.Binary;
using Xunit;

namespace Portico.Imaging.Tests;

/// <summary>
/// <see cref="RleDecoder"/> on pydicom's RLE files (which have native twins) and on hostile frames: anything malformed is
/// a <see cref="RenderingException"/> with a message, never another exception, and nothing is allocated for a frame
/// that cannot hold the image.
/// </summary>
public sealed class RleDecoderTests
{
    private static readonly PixelLayout Grey4x4 = new() { Rows = 4, Columns = 4, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "MONOCHROME2" };

    [Theory]
    [InlineData("MR_small_RLE.dcm", "MR_small.dcm")]
    [InlineData("rtdose_rle.dcm", "rtdose.dcm")]
    public void Decode_PydicomRleFile_EqualsItsNativeTwin(string rle, string native)
    {
        var encoded = SampleImage.Open(rle);
        var twin = SampleImage.Open(native);
        Assert.Equal(twin.Layout.NumberOfFrames, encoded.Layout.NumberOfFrames);

        for (int frame = 0; frame < encoded.Layout.NumberOfFrames; frame++)
        {
            Assert.Equal(twin.StoredFrame(frame), RleDecoder.Decode(encoded.Layout, encoded.StoredFrame(frame)));
        }
    }

    /// <summary>Each case: a description and a frame built from the MR's real RLE frame (two segments, 4,096 bytes each).</summary>
    public static TheoryData<string, string> HostileMrFrames => new()
    {
        { "header of 63 bytes", "64-byte header" },
        { "empty", "64-byte header" },
        { "1 segment", "1 segments" },
        { "3 segments", "3 segments" },
        { "4294967295 segments", "4294967295 segments" },
        { "first segment offset past the end", "outside its frame" },
        { "second segment offset past the end", "outside its frame" },
        { "first segment offset in the header", "outside its frame" },
        { "segments in reverse order", "outside its frame" },
        { "last 100 bytes cut off", "RLE segment 2" },
    };

    [Theory]
    [MemberData(nameof(HostileMrFrames))]
    public void Decode_HostileMrFrame_ThrowsRenderingException(string change, string message)
    {
        var image = SampleImage.Open("MR_small_RLE.dcm");
        byte[] frame = image.StoredFrame(0);
        byte[] hostile = change switch
        {
            "header of 63 bytes" => frame[..63],
            "empty" => [],
            "1 segment" => WithWord(frame, 0, 1),
            "3 segments" => WithWord(frame, 0, 3),
            "4294967295 segments" => WithWord(frame, 0, uint.MaxValue),
            "first segment offset past the end" => WithWord(frame, 4, (uint)frame.Length + 1),
            "second segment offset past the end" => WithWord(frame, 8, (uint)frame.Length + 100),
            "first segment offset in the header" => WithWord(frame, 4, 8),
            "segments in reverse order" => WithWord(WithWord(frame, 4, BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(8))), 8, 64),
            "last 100 bytes cut off" => frame[..^100],
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
        };

        var ex = Assert.Throws<RenderingException>(() => RleDecoder.Decode(image.Layout, hostile));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>One segment for a 4 × 4 8-bit image (16 bytes), PackBits bytes as given (PS3.5 §G.3.1).</summary>
    public static TheoryData<string, byte[], string> HostileSegments => new()
    {
        { "literal of 4 bytes, then nothing: decodes too short", [3, 1, 2, 3, 4], "decodes to 4 bytes; the image needs 16" },
        { "only no-op bytes (-128)", [0x80, 0x80], "decodes to 0 bytes" },
        { "literal of 16 bytes with 3 present", [15, 1, 2, 3], "runs past its end" },
        { "replicate run without its byte", [0xF1], "runs past its end" },
        { "replicate run of 128 for 16 bytes", [0x81, 7], "runs past its end" },
        { "literal of 17 bytes for 16", [16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], "runs past its end" },
        { "empty segment", [], "holds 0 bytes, too few to decode to the 16" },
    };

    [Theory]
    [MemberData(nameof(HostileSegments))]
    public void Decode_HostileSegment_ThrowsRenderingException(string description, byte[] segment, string message)
    {
        var ex = Assert.Throws<RenderingException>(() => RleDecoder.Decode(Grey4x4, Frame(segment)));

        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{description}: {ex.Message}");
    }

    [Fact]
    public void Decode_SegmentOfLiteralAndReplicateRuns_DecodesThem()
    {
        // 3 literal bytes, then 13 copies of 9 (PackBits: n = -12 repeats the next byte 13 times).
        byte[] decoded = RleDecoder.Decode(Grey4x4, Frame([2, 1, 2, 3, 0xF4, 9]));

        Assert.Equal([1, 2, 3, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], decoded);
    }

    /// <summary>
    /// A valid 66-byte frame (one replicate run) for an image of 65,535 × 65,535 (4 GiB) or 40,000 × 40,000 × 3 or
    /// 30,000 × 30,000: no segment of two bytes decodes to more than 128, so it is refused before anything is allocated.
    /// </summary>
    [Theory]
    [InlineData(65535, 65535, 1)]
    [InlineData(40000, 40000, 3)]
    [InlineData(30000, 30000, 1)]
    public void Decode_HugeLayoutWithTinyFrame_ThrowsRenderingExceptionWithoutAllocating(int rows, int columns, int samples)
    {
        var layout = new PixelLayout
        {
            Rows = rows,
            Columns = columns,
            SamplesPerPixel = samples,
            BitsAllocated = 8,
            BitsStored = 8,
            HighBit = 7,
            Photometric = samples == 1 ? "MONOCHROME2" : "RGB",
        };
        byte[] frame = new byte[64 + (2 * samples)];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)samples);
        for (int s = 0; s < samples; s++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4 + (4 * s)), (uint)(64 + (2 * s)));
            (frame[64 + (2 * s)], frame[65 + (2 * s)]) = (0x81, 0);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<RenderingException>(() => RleDecoder.Decode(layout, frame));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("RLE segment 1", ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1024 * 1024, $"{allocated:N0} bytes allocated for a {frame.Length}-byte frame.");
    }

    /// <summary>Random bit flips and lying 32-bit words in real RLE frames (grey 16-bit, RGB 8- and 16-bit, grey 32-bit).</summary>
    [Theory]
    [InlineData("MR_small_RLE.dcm")]
    [InlineData("SC_rgb_rle.dcm")]
    [InlineData("SC_rgb_rle_16bit.dcm")]
    [InlineData("rtdose_rle.dcm")]
    public void Decode_MutatedFrames_DecodesOrThrowsRenderingExceptionOnly(string file)
    {
        var image = SampleImage.Open(file);
        byte[] original = image.StoredFrame(0);
        var random = new Random(1234);
        int refused = 0;
        for (int round = 0; round < 1500; round++)
        {
            byte[] frame = (byte[])original.Clone();
            string mutation = (round % 3) switch
            {
                0 => FlipBits(frame, random),
                1 => LieInHeader(frame, random),
                _ => Truncate(ref frame, random),
            };

            try
            {
                byte[] decoded = RleDecoder.Decode(image.Layout, frame);
                Assert.Equal(image.Layout.FrameBytes, decoded.Length);
                FrameRenderer.Render(image.Layout, decoded, planar: true);
            }
            catch (RenderingException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{file}, round {round}, {mutation}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(refused > 100, $"Only {refused} of 1,500 mutated frames refused.");
    }

    private static byte[] Frame(byte[] segment)
    {
        var frame = new byte[64 + segment.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), 64);
        segment.CopyTo(frame, 64);
        return frame;
    }

    private static byte[] WithWord(byte[] frame, int at, uint value)
    {
        byte[] copy = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    private static string FlipBits(byte[] frame, Random random)
    {
        int flips = random.Next(1, 9);
        for (int i = 0; i < flips; i++)
        {
            frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
        }

        return $"{flips} bit flips";
    }

    private static string LieInHeader(byte[] frame, Random random)
    {
        int word = random.Next(16);
        uint value = random.Next(4) switch
        {
            0 => uint.MaxValue,
            1 => 0,
            2 => (uint)random.Next(0, frame.Length + 200),
            _ => (uint)random.Next(),
        };
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(word * 4), value);
        return $"header word {word} = {value}";
    }

    private static string Truncate(ref byte[] frame, Random random)
    {
        int length = random.Next(frame.Length);
        frame = frame[..length];
        return $"cut to {length} bytes";
    }
}
