using System.Buffers.Binary;
using Portico.Tests.Shared;
using Xunit;
using Xunit.Sdk;

namespace Portico.Imaging.Tests.Jpeg2000;

/// <summary>
/// Hostile JPEG 2000 frames: cut at every point, thousands of seeded mutations, headers that lie or ask for what
/// Portico does not decode. Each gives a <see cref="RenderingException"/> with a message (a mutation may also decode
/// to some frame of the right size), never another exception or a hang, and a header claiming a huge image is refused
/// before anything large is allocated.
/// </summary>
public sealed class Jpeg2000HostileInputTests
{
    private static readonly Lazy<(byte[] Grey, byte[] Colour)> Streams = new(() =>
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            int[] grey = Jpeg2000Images.Make("ct", 40, 32, 1, 12, false, 5);
            int[] colour = Jpeg2000Images.Make("gradient", 24, 20, 3, 8, false, 6);
            return (
                OpenJpeg.Compress(directory, grey, 40, 32, 1, 12, false, "-n 3 -t 24,24 -r 20,5,1 -SOP -EPH -b 16,16 -M 1"),
                OpenJpeg.Compress(directory, colour, 24, 20, 3, 8, false, "-I -n 2 -p RPCL -c [16,16] -r 8,2 -M 6"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    });

    private static readonly PixelLayout Grey = Jpeg2000Images.Layout(40, 32, 1, 12, false);

    private static readonly PixelLayout Colour = Jpeg2000Images.Layout(24, 20, 3, 8, false);

    [Fact]
    public void Decode_EveryCut_ThrowsRenderingException()
    {
        foreach ((byte[] stream, PixelLayout layout) in new[] { (Streams.Value.Grey, Grey), (Streams.Value.Colour, Colour) })
        {
            for (int length = 0; length < stream.Length; length += length < 400 ? 1 : 5)
            {
                AssertRefused(layout, stream[..length], $"cut to {length} of {stream.Length} bytes");

                // The same, with the EOC marker the cut took away put back.
                AssertRefused(layout, [.. stream.AsSpan(0, length), 0xFF, 0xD9], $"cut to {length} of {stream.Length} bytes, then EOC");
            }
        }
    }

    [Fact]
    public void Decode_SeededMutations_ThrowOnlyRenderingException()
    {
        var random = new Random(2000);
        int refused = 0;
        for (int round = 0; round < 3000; round++)
        {
            (byte[] original, PixelLayout layout) = round % 2 == 0 ? (Streams.Value.Grey, Grey) : (Streams.Value.Colour, Colour);
            byte[] frame = (byte[])original.Clone();
            string mutation = Mutate(frame, random, round);
            try
            {
                Assert.Equal(layout.FrameBytes, Jpeg2000Decoder.Decode(layout, frame).Length);
            }
            catch (RenderingException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                Assert.True(ex.InnerException is null, $"round {round}, {mutation}: a guard is missing: {ex.InnerException}");
                refused++;
            }
            catch (Exception ex) when (ex is not XunitException)
            {
                Assert.Fail($"round {round}, {mutation}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.InRange(refused, 300, 3000);
    }

    /// <summary>Each case: a change to the grey stream (offsets from opj_compress's layout of SIZ and COD) and what the message says.</summary>
    public static TheoryData<string, string> HostileStreams => new()
    {
        { "empty", "not JPEG 2000" },
        { "JP2 signature without a codestream box", "without a contiguous codestream box" },
        { "JP2 box longer than the frame", "claims 4,294,967,295 bytes" },
        { "no EOC", "does not end with an EOC" },
        { "SIZ missing", "where its SIZ marker segment" },
        { "SIZ width 2^32 - 1", "4,294,967,295 × 32 pixels; the data set says 40 × 32" },
        { "SIZ of no width", "it is empty" },
        { "SIZ with offsets beyond 2^30", "beyond what Portico supports" },
        { "tiles of 0", "do not cover" },
        { "tiles of 1 × 1", "has no data for tile 4 of 1280" },
        { "tiles of 1 × 1 on 300 × 300", "300 × 300 tiles; T.800 allows at most 65,535" },
        { "16384 components", "for 16384 components" },
        { "precision 17", "samples of 17 bits; Portico decodes up to 16" },
        { "precision 16 for 8 bits allocated", "Bits Allocated is 8" },
        { "subsampled 2 × 1", "subsampled 2 × 1" },
        { "sampling 0", "sampling 0 × 1" },
        { "65535 layers", "packets (layers × precincts)" },
        { "0 layers", "0 quality layers" },
        { "progression order 5", "progression order 5" },
        { "33 decomposition levels", "33 decomposition levels" },
        { "code-blocks of 2^11", "code-blocks of 2^11 × 2^4" },
        { "HTJ2K code-block style", "HTJ2K" },
        { "wavelet 2", "wavelet transform 2" },
        { "component transform with one component", "needs 3" },
        { "component transform 2", "multiple component transformation 2" },
        { "quantisation style 3", "quantisation style 3" },
        { "exponent 31", "has 32 bit-planes" },
        { "COD missing", "no COD" },
        { "tile-part of tile 9", "is for tile 9" },
        { "tile-part longer than the stream", "it is truncated" },
        { "SOT of 12 bytes", "T.800 §A.4.2 has 10" },
        { "segment length 1", "claims 1 bytes" },
        { "stray bytes between tile-parts", "bytes 0001 at offset" },
        { "9,000 overlapping progression volumes", "go over its" },
        { "POC of 5 bytes", "not a whole number of progression changes" },
        { "32 bits allocated", "8 or 16 bits allocated" },
        { "2 samples per pixel", "1 or 3 samples per pixel" },
        { "colour layout for the grey stream", "has 1 component; the data set says 3 samples per pixel" },
        { "pydicom's embedded sequence delimiter", "pixels; the data set says 256 × 1024" },
    };

    [Theory]
    [MemberData(nameof(HostileStreams))]
    public void Decode_HostileStream_ThrowsRenderingException(string change, string message)
    {
        byte[] grey = Streams.Value.Grey;
        int cod = grey.AsSpan().IndexOf([(byte)0xFF, (byte)0x52]), qcd = grey.AsSpan().IndexOf([(byte)0xFF, (byte)0x5C]);
        int sot = grey.AsSpan().IndexOf([(byte)0xFF, (byte)0x90]);
        PixelLayout layout = Grey;
        byte[] hostile = change switch
        {
            "empty" => [],
            "JP2 signature without a codestream box" => [0, 0, 0, 12, (byte)'j', (byte)'P', 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A, 0, 0, 0, 8, (byte)'f', (byte)'r', (byte)'e', (byte)'e'],
            "JP2 box longer than the frame" => [0, 0, 0, 12, (byte)'j', (byte)'P', 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'j', (byte)'p', (byte)'2', (byte)'c', .. grey],
            "no EOC" => grey[..^2],
            "SIZ missing" => [0xFF, 0x4F, .. grey.AsSpan(2 + 2 + BinaryPrimitives.ReadUInt16BigEndian(grey.AsSpan(4)))],
            "SIZ width 2^32 - 1" => With32(grey, 8, uint.MaxValue),
            "SIZ of no width" => With32(grey, 8, 0),
            "SIZ with offsets beyond 2^30" => With32(With32(With32(With32(grey, 8, 0x7000_0028), 16, 0x7000_0000), 32, 0x7000_0000), 24, 0x7000_0000),
            "tiles of 0" => With32(grey, 24, 0),
            "tiles of 1 × 1" => With32(With32(grey, 24, 1), 28, 1),
            "tiles of 1 × 1 on 300 × 300" => With32(With32(With32(With32(grey, 8, 300), 12, 300), 24, 1), 28, 1),
            "16384 components" => With16(grey, 40, 16384),
            "precision 17" => With(grey, 42, 16),
            "precision 16 for 8 bits allocated" => With(grey, 42, 15),
            "subsampled 2 × 1" => With(grey, 43, 2),
            "sampling 0" => With(grey, 43, 0),
            "65535 layers" => With16(grey, cod + 6, 65535),
            "0 layers" => With16(grey, cod + 6, 0),
            "progression order 5" => With(grey, cod + 5, 5),
            "33 decomposition levels" => With(grey, cod + 9, 33),
            "code-blocks of 2^11" => With(grey, cod + 10, 9),
            "HTJ2K code-block style" => With(grey, cod + 12, 0x40),
            "wavelet 2" => With(grey, cod + 13, 2),
            "component transform with one component" => With(grey, cod + 8, 1),
            "component transform 2" => With(grey, cod + 8, 2),
            "quantisation style 3" => With(grey, qcd + 4, 3),
            "exponent 31" => With(grey, qcd + 5, 0xF8),
            "COD missing" => [.. grey.AsSpan(0, cod), .. grey.AsSpan(cod + 2 + BinaryPrimitives.ReadUInt16BigEndian(grey.AsSpan(cod + 2)))],
            "tile-part of tile 9" => With16(grey, sot + 4, 9),
            "tile-part longer than the stream" => With32(grey, sot + 6, 1_000_000),
            "SOT of 12 bytes" => With16(grey, sot + 2, 12),
            "segment length 1" => With16(grey, cod + 2, 1),
            "9,000 overlapping progression volumes" => [.. grey.AsSpan(0, sot), .. Poc(Enumerable.Repeat<byte[]>([0, 0, 0, 3, 33, 1, 0], 9000).SelectMany(e => e).ToArray()), .. grey.AsSpan(sot)],
            "POC of 5 bytes" => [.. grey.AsSpan(0, sot), .. Poc([0, 0, 0, 3, 33]), .. grey.AsSpan(sot)],
            "stray bytes between tile-parts" => [.. grey.AsSpan(0, sot), 0x00, 0x01, .. grey.AsSpan(sot)],
            _ => grey,
        };

        layout = change switch
        {
            "precision 16 for 8 bits allocated" => Jpeg2000Images.Layout(40, 32, 1, 8, false),
            "tiles of 1 × 1 on 300 × 300" => Jpeg2000Images.Layout(300, 300, 1, 12, false),
            "32 bits allocated" => layout with { BitsAllocated = 32, BitsStored = 32, HighBit = 31 },
            "2 samples per pixel" => layout with { SamplesPerPixel = 2 },
            "colour layout for the grey stream" => Jpeg2000Images.Layout(40, 32, 3, 12, false),
            "pydicom's embedded sequence delimiter" => Jpeg2000FileTests.Open("JPEG2000-embedded-sequence-delimiter.dcm").Layout,
            _ => layout,
        };
        if (change == "pydicom's embedded sequence delimiter")
        {
            hostile = Jpeg2000FileTests.Open("JPEG2000-embedded-sequence-delimiter.dcm").Frames[0];
        }

        var ex = Assert.Throws<RenderingException>(() => Jpeg2000Decoder.Decode(layout, hostile));

        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{change}: {ex.Message}");
    }

    /// <summary>A SIZ claiming a huge image, or a huge number of tiles, is refused before anything large is allocated.</summary>
    [Theory]
    [InlineData("huge image")]
    [InlineData("65,025 tiles")]
    [InlineData("65,535 layers")]
    public void Decode_HugeHeader_RefusedWithoutAllocating(string change)
    {
        byte[] grey = Streams.Value.Grey;
        int cod = grey.AsSpan().IndexOf([(byte)0xFF, (byte)0x52]);
        PixelLayout layout = Grey;
        byte[] hostile = change switch
        {
            "huge image" => With32(With32(grey, 8, 65_535), 12, 65_535),
            "65,025 tiles" => With32(With32(With32(With32(grey, 8, 255), 12, 255), 24, 1), 28, 1),
            _ => With16(grey, cod + 6, 65535),
        };
        if (change == "65,025 tiles")
        {
            layout = Jpeg2000Images.Layout(255, 255, 1, 12, false);
        }

        Jpeg2000Decoder.Decode(Grey, grey);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<RenderingException>(() => Jpeg2000Decoder.Decode(layout, hostile));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1024 * 1024, $"{allocated:N0} bytes allocated for a {hostile.Length}-byte frame.");
    }

    private static void AssertRefused(PixelLayout layout, byte[] frame, string what)
    {
        try
        {
            Jpeg2000Decoder.Decode(layout, frame);
            Assert.Fail($"{what}: decoded.");
        }
        catch (RenderingException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            Assert.True(ex.InnerException is null, $"{what}: a guard is missing: {ex.InnerException}");
        }
        catch (Exception ex) when (ex is not XunitException)
        {
            Assert.Fail($"{what}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Bit flips, a lying 2- or 4-byte big endian field, a marker, a random byte, or a byte cut out.</summary>
    private static string Mutate(byte[] frame, Random random, int round)
    {
        switch (round % 5)
        {
            case 0:
            {
                int flips = random.Next(1, 5);
                for (int f = 0; f < flips; f++)
                {
                    frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                }

                return $"{flips} bit flips";
            }

            case 1:
            {
                int at = random.Next(Math.Min(160, frame.Length - 1));
                ushort value = random.Next(3) switch { 0 => ushort.MaxValue, 1 => 0, _ => (ushort)random.Next(65_536) };
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), value);
                return $"2 bytes at {at} set to {value}";
            }

            case 2:
            {
                int at = random.Next(Math.Min(160, frame.Length - 3));
                uint value = random.Next(3) switch { 0 => uint.MaxValue, 1 => 0, _ => (uint)random.Next(0, 70_000) };
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(at), value);
                return $"4 bytes at {at} set to {value}";
            }

            case 3:
            {
                int at = random.Next(frame.Length - 1);
                (frame[at], frame[at + 1]) = (0xFF, (byte)random.Next(0x4F, 0x100));
                return $"marker FF {frame[at + 1]:X2} at {at}";
            }

            default:
            {
                int at = random.Next(frame.Length);
                frame[at] = (byte)random.Next(256);
                return $"byte {at} set to {frame[at]}";
            }
        }
    }

    /// <summary>A POC marker segment (T.800 §A.6.6) of the given entries.</summary>
    private static byte[] Poc(byte[] entries) => [0xFF, 0x5F, (byte)((entries.Length + 2) >> 8), (byte)(entries.Length + 2), .. entries];

    private static byte[] With(byte[] stream, int at, byte value)
    {
        byte[] copy = (byte[])stream.Clone();
        copy[at] = value;
        return copy;
    }

    private static byte[] With16(byte[] stream, int at, int value)
    {
        byte[] copy = (byte[])stream.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(at), (ushort)value);
        return copy;
    }

    private static byte[] With32(byte[] stream, int at, uint value)
    {
        byte[] copy = (byte[])stream.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(at), value);
        return copy;
    }
}
