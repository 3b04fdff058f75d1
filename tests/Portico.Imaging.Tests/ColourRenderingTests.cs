using System.Buffers.Binary;
using System.Globalization;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests;

/// <summary>Colour frames rendered by <see cref="FrameRenderer"/> against DCMTK's dcm2pnm, every sample of every pixel.</summary>
public sealed class ColourRenderingTests
{
    /// <summary>Ours minus DCMTK's for YCbCr: see <see cref="Render_YbrFull422_WithinDcmtksRoundingOfDcm2pnm"/>.</summary>
    private const int YbrLeast = -2;
    private const int YbrMost = 1;

    public static TheoryData<string, int> Frames => new()
    {
        // 8-bit RGB, interleaved, 3 × 3 (odd rows of 9 bytes).
        { "SC_rgb_small_odd.dcm", 1 },
        // RLE Lossless: 8 bits (three segments), 16 bits (six), the second of two frames.
        { "SC_rgb_rle.dcm", 1 },
        { "SC_rgb_rle_2frame.dcm", 2 },
        { "SC_rgb_rle_16bit.dcm", 1 },
        { "SC_rgb_rle_16bit_2frame.dcm", 2 },
    };

    /// <summary>RGB needs no arithmetic at 8 bits and a shift at 16, so the samples must be equal.</summary>
    [Theory]
    [MemberData(nameof(Frames))]
    public void Render_Rgb_EqualsDcm2pnm(string file, int frame)
    {
        var image = SampleImage.Open(file);

        RenderedImage ours = image.Render(frame - 1);

        ReferenceImages.Pnm reference = ReferenceImages.Dcm2Pnm(image.Path, "+F", frame.ToString(CultureInfo.InvariantCulture));
        ReferenceImages.AssertWithin(reference, ours.AsPnm(), 0, 0, $"{file} frame {frame}");
    }

    /// <summary>
    /// YBR_FULL_422 (two pixels share Cb and Cr) converted to RGB. PS3.3 C.7.6.3.1.2 defines YCbCr with Cb and Cr centred
    /// on 2^(n-1) = 128; DCMTK's 8-bit conversion (dcmimage diybrpxt.h) subtracts 0.7010 × 255, 0.5291 × 255 and
    /// 0.8859 × 255, i.e. centres them on 127.5, and truncates each term of its look-up tables. Over all 2^24 inputs
    /// (checked exhaustively) ours minus DCMTK's is -2 to 0 for red and blue and -1 to 1 for green, hence
    /// <see cref="YbrLeast"/> and <see cref="YbrMost"/>. That our conversion is the standard's is shown by
    /// <see cref="Render_YbrFullFromTheStandardsEquations_GivesBackTheRgb"/>.
    /// </summary>
    [Fact]
    public void Render_YbrFull422_WithinDcmtksRoundingOfDcm2pnm()
    {
        var image = SampleImage.Open("SC_ybr_full_422_uncompressed.dcm");

        RenderedImage ours = image.Render(0);

        ReferenceImages.AssertWithin(ReferenceImages.Dcm2Pnm(image.Path), ours.AsPnm(), YbrLeast, YbrMost, "SC_ybr_full_422_uncompressed.dcm");
    }

    /// <summary>
    /// RGB colours (every fifth level of each channel) turned into YBR_FULL with PS3.3 C.7.6.3.1.2's equations, rounded
    /// to 8 bits, then rendered: each channel comes back within one level (exhaustively, rounding Y, Cb and Cr to
    /// integers costs at most one level of the inverse; a centre of 127.5, as DCMTK's, would cost two).
    /// </summary>
    [Fact]
    public void Render_YbrFullFromTheStandardsEquations_GivesBackTheRgb()
    {
        int[] levels = [.. Enumerable.Range(0, 52).Select(i => i * 5)];
        int side = levels.Length * levels.Length;
        var rgb = new byte[side * levels.Length * 3];
        var ybr = new byte[rgb.Length];
        int at = 0;
        foreach (int r in levels)
        {
            foreach (int g in levels)
            {
                foreach (int b in levels)
                {
                    (rgb[at], rgb[at + 1], rgb[at + 2]) = ((byte)r, (byte)g, (byte)b);
                    ybr[at] = Level((0.2990 * r) + (0.5870 * g) + (0.1140 * b));
                    ybr[at + 1] = Level((-0.1687 * r) - (0.3313 * g) + (0.5000 * b) + 128);
                    ybr[at + 2] = Level((0.5000 * r) - (0.4187 * g) - (0.0813 * b) + 128);
                    at += 3;
                }
            }
        }

        var layout = new PixelLayout { Rows = levels.Length, Columns = side, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "YBR_FULL" };

        RenderedImage image = FrameRenderer.Render(layout, ybr);

        var expected = new ReferenceImages.Pnm(side, levels.Length, 3, rgb);
        ReferenceImages.AssertWithin(expected, image.AsPnm(), -1, 1, "RGB through the standard's YBR_FULL equations");
    }

    public static TheoryData<string> Variants => new()
    {
        "RGB planar",
        "RGB 16 bits interleaved",
        "RGB 12 bits stored",
        "YBR_FULL interleaved",
        "YBR_FULL planar",
    };

    /// <summary>
    /// What pydicom's native files lack, written as new files and checked against dcm2pnm: Planar Configuration 1, 16-bit
    /// interleaved samples, fewer bits stored than allocated, and YBR_FULL (made from the YBR_FULL_422 file by giving each
    /// pixel its pair's Cb and Cr). RGB must be equal; YBR within DCMTK's rounding (<see cref="YbrLeast"/>, <see cref="YbrMost"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void Render_SyntheticColourFile_MatchesDcm2pnm(string variant)
    {
        string directory = ReferenceImages.NewTempDirectory();
        bool ybr = variant.StartsWith("YBR", StringComparison.Ordinal);
        try
        {
            string path = ybr
                ? SampleImage.Open("SC_ybr_full_422_uncompressed.dcm").WriteNative(directory, 0, (dataset, pixels) => YbrFull(dataset, pixels, planar: variant.EndsWith("planar", StringComparison.Ordinal)))
                : SampleImage.Open(variant.Contains("bits", StringComparison.Ordinal) ? "SC_rgb_rle_16bit.dcm" : "SC_rgb_rle.dcm").WriteNative(directory, 0, (dataset, planes) => Rgb(variant, dataset, planes));
            var image = SampleImage.Open(path);
            Assert.Equal(variant.EndsWith("planar", StringComparison.Ordinal), image.Layout.Planar);

            RenderedImage ours = image.Render(0);

            ReferenceImages.AssertWithin(ReferenceImages.Dcm2Pnm(path), ours.AsPnm(), ybr ? YbrLeast : 0, ybr ? YbrMost : 0, variant);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Native YBR_FULL_422 pairs pixels (Y1 Y2 Cb Cr), so an odd number of columns or samples of 16 bits cannot be
    /// shown: the renderer says so. The layout itself is accepted, for JPEG 4:2:2 frames of any width.
    /// </summary>
    [Theory]
    [InlineData(63, 8)]
    [InlineData(64, 16)]
    public void Render_NativeYbrFull422OfOddWidthOr16Bits_ThrowsRenderingException(int columns, int bits)
    {
        var layout = new PixelLayout { Rows = 2, Columns = columns, SamplesPerPixel = 3, BitsAllocated = bits, BitsStored = bits, HighBit = bits - 1, Photometric = "YBR_FULL_422" };

        var ex = Assert.Throws<RenderingException>(() => FrameRenderer.Render(layout, new byte[layout.FrameBytes + 8]));

        Assert.Contains("YBR_FULL_422", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDataset_ThirtyTwoBitColour_ThrowsRenderingException()
    {
        var file = Portico.Dicom.IO.DicomFile.Open(Portico.Tests.Shared.DicomSamples.Pydicom("SC_rgb_rle_32bit.dcm"));

        var ex = Assert.Throws<RenderingException>(() => PixelLayout.FromDataset(file.Dataset));

        Assert.Contains("32 bits", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>RLE-decoded RGB planes (as <see cref="RleDecoder"/> returns them) written planar, or interleaved, or with 12 bits stored.</summary>
    private static byte[] Rgb(string variant, DicomDataset dataset, byte[] planes)
    {
        int bytes = dataset.GetValue<ushort>(DicomTags.BitsAllocated) / 8;
        int pixels = planes.Length / 3 / bytes;
        if (variant == "RGB planar")
        {
            dataset.AddOrUpdate<ushort>(DicomTags.PlanarConfiguration, DicomVR.US, 1);
            return planes;
        }

        var interleaved = new byte[planes.Length];
        for (int i = 0; i < pixels; i++)
        {
            for (int s = 0; s < 3; s++)
            {
                planes.AsSpan(((s * pixels) + i) * bytes, bytes).CopyTo(interleaved.AsSpan(((i * 3) + s) * bytes));
            }
        }

        if (variant == "RGB 12 bits stored")
        {
            // Values of 12 bits at bits 2 to 13, noise in the bits around them.
            dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 12);
            dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 13);
            for (int i = 0; i < interleaved.Length / 2; i++)
            {
                int value = BinaryPrimitives.ReadUInt16LittleEndian(interleaved.AsSpan(i * 2)) >> 4;
                BinaryPrimitives.WriteUInt16LittleEndian(interleaved.AsSpan(i * 2), (ushort)((value << 2) | ((i * 7919) & 0xC003)));
            }
        }

        return interleaved;
    }

    /// <summary>YBR_FULL_422 (Y1 Y2 Cb Cr per pair of pixels) spread to YBR_FULL, each pixel with its pair's Cb and Cr.</summary>
    private static byte[] YbrFull(DicomDataset dataset, byte[] pairs, bool planar)
    {
        int pixels = pairs.Length / 2;
        var full = new byte[pixels * 3];
        for (int i = 0; i < pixels; i++)
        {
            int pair = i / 2 * 4;
            byte[] sample = [pairs[pair + (i % 2)], pairs[pair + 2], pairs[pair + 3]];
            for (int s = 0; s < 3; s++)
            {
                full[planar ? (s * pixels) + i : (i * 3) + s] = sample[s];
            }
        }

        dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "YBR_FULL");
        dataset.AddOrUpdate<ushort>(DicomTags.PlanarConfiguration, DicomVR.US, planar ? (ushort)1 : (ushort)0);
        return full;
    }

    private static byte Level(double value) => (byte)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);
}
