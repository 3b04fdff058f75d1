using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests;

/// <summary>
/// PNGs written by <see cref="PngEncoder"/> decoded by netpbm's pngtopnm (libpng, which checks every chunk's CRC and the
/// zlib stream): the decoded samples must be exactly the image's.
/// </summary>
public sealed class PngEncoderTests
{
    public static TheoryData<string> Images => new()
    {
        "CT_small grey 128 × 128",
        "MR_small grey shrunk to 33 × 33",
        "SC_rgb_small_odd RGB 3 × 3",
        "SC_rgb_rle RGB 100 × 100",
        "random grey 517 × 3",
        "random grey 1 × 1",
        "random RGB 300 × 300",
        "random RGB 7 × 301",
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Write_DecodedByPngtopnm_EqualsTheImage(string name)
    {
        RenderedImage image = Image(name);

        foreach (CompressionLevel level in new[] { CompressionLevel.Fastest, CompressionLevel.NoCompression, CompressionLevel.SmallestSize })
        {
            using var png = new MemoryStream();
            PngEncoder.Write(image, png, level);

            ReferenceImages.Pnm decoded = ReferenceImages.PngToPnm(png.ToArray());

            Assert.Equal((image.Width, image.Height, image.Channels), (decoded.Width, decoded.Height, decoded.Channels));
            Assert.True(image.Pixels.AsSpan().SequenceEqual(decoded.Pixels), $"{name} ({level}): the decoded samples differ from the image's.");
        }
    }

    /// <summary>
    /// 300 × 300 random RGB is 270,300 bytes of rows that do not compress: the data runs over several IDAT chunks of at
    /// most 64 KiB, between IHDR and IEND (ISO/IEC 15948 §5.6), each with the CRC of its type and data.
    /// </summary>
    [Fact]
    public void Write_LargeImage_IdatChunksOfAtMost64KiBBetweenIhdrAndIend()
    {
        using var png = new MemoryStream();
        PngEncoder.Write(Image("random RGB 300 × 300"), png);

        List<(string Type, int Length)> chunks = Chunks(png.ToArray());

        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        List<(string Type, int Length)> idat = chunks[1..^1];
        Assert.True(idat.Count >= 4, $"{idat.Count} IDAT chunks for 270,300 bytes of random rows.");
        Assert.All(idat, chunk => Assert.Equal("IDAT", chunk.Type));
        Assert.All(idat, chunk => Assert.InRange(chunk.Length, 1, 64 * 1024));
    }

    private static RenderedImage Image(string name)
    {
        var random = new Random(name.Length);
        return name switch
        {
            "CT_small grey 128 × 128" => SampleImage.Open("CT_small.dcm").Render(0, new VoiWindow(40, 400)),
            "MR_small grey shrunk to 33 × 33" => SampleImage.Open("MR_small.dcm").Render(0).FitWithin(33, 33),
            "SC_rgb_small_odd RGB 3 × 3" => SampleImage.Open("SC_rgb_small_odd.dcm").Render(0),
            "SC_rgb_rle RGB 100 × 100" => SampleImage.Open("SC_rgb_rle.dcm").Render(0),
            "random grey 517 × 3" => Random(random, 517, 3, 1),
            "random grey 1 × 1" => Random(random, 1, 1, 1),
            "random RGB 300 × 300" => Random(random, 300, 300, 3),
            "random RGB 7 × 301" => Random(random, 7, 301, 3),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static RenderedImage Random(Random random, int width, int height, int channels)
    {
        var pixels = new byte[width * height * channels];
        random.NextBytes(pixels);
        return new RenderedImage(width, height, channels, pixels);
    }

    /// <summary>The chunks after the signature, each checked for its CRC-32 (ISO/IEC 15948 §5.3).</summary>
    private static List<(string Type, int Length)> Chunks(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        var chunks = new List<(string, int)>();
        int at = 8;
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.Equal(System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(at + 4, 4 + length)), crc);
            chunks.Add((type, length));
            at += 12 + length;
        }

        Assert.Equal(png.Length, at);
        return chunks;
    }
}
