using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests.JpegDct;

/// <summary>
/// <see cref="JpegDctDecoder"/> against third-party software: frames encoded by DCMTK's dcmcjpeg (IJG) from pydicom's
/// native files (baseline, extended 12-bit, progressive), frames encoded by netpbm's pnmtojpeg (IJG) from synthetic
/// images (sampling factors, scans, progressive), frames of the test encoder (restart intervals, 12-bit colour, long
/// Huffman codes, progressive with runs of EOB), and pydicom's own JPEG files must decode to what DCMTK's dcmdjpeg makes of the
/// same file, components as coded: every sample within ±1 (T.81's accuracy of an IDCT; dcmdjpeg uses IJG's accurate
/// integer IDCT, Portico a float one), the share of equal samples written to the test output (95 to 100 %: about
/// 96 % for 12-bit frames, 98 to 100 % for 8-bit ones).
/// </summary>
public sealed class JpegDctDecoderTests
{
    /// <summary>
    /// A pydicom file (RLE ones are decompressed by dcmdrle first) and dcmcjpeg's options: +eb baseline, +ee extended
    /// (12 bits for images of more than 8), +es / +ep progressive (spectral selection, and successive approximation), +q quality, +s4 / +s2 / +n2 / +n1 / +np sampling 4:4:4, 4:2:2 (YBR_FULL_422
    /// or YBR_FULL), 4:1:1; +cr colour coded as RGB, +cm as monochrome.
    /// </summary>
    public static TheoryData<string, string> DcmcjpegFiles => new()
    {
        // Unsigned 8-bit, 512 × 512.
        { "image_dfl.dcm", "+eb" },
        { "image_dfl.dcm", "+eb +q 30" },
        { "image_dfl.dcm", "+eb +q 100 -ho" },
        { "image_dfl.dcm", "+ee +q 75" },
        // Signed 16-bit CT, 128 × 128, and MR, 64 × 64: extended, 12 bits.
        { "CT_small.dcm", "+ee" },
        { "CT_small.dcm", "+ee +q 100" },
        { "MR_small.dcm", "+ee +q 60" },
        // RGB 8-bit, 3 × 3 (odd sizes) and 100 × 100 (two frames).
        { "SC_rgb_small_odd.dcm", "+eb +s4" },
        { "SC_rgb_small_odd.dcm", "+eb +n2" },
        { "SC_rgb_small_odd.dcm", "+eb +s2" }, // 4:2:2 of an odd width: YBR_FULL_422 of 3 columns
        { "SC_rgb_rle.dcm", "+eb" },
        { "SC_rgb_rle.dcm", "+eb +s4 +q 95" },
        { "SC_rgb_rle.dcm", "+eb +n2" },
        { "SC_rgb_rle.dcm", "+eb +n1" },
        { "SC_rgb_rle.dcm", "+eb +np" },
        { "SC_rgb_rle.dcm", "+eb +cr" },
        { "SC_rgb_rle.dcm", "+eb +cm" },
        { "SC_rgb_rle.dcm", "+ee +s4" },
        { "SC_rgb_rle_2frame.dcm", "+eb +q 50" },
        // Progressive (SOF2, Processes 10 and 12): +es spectral selection only, +ep with successive approximation.
        { "image_dfl.dcm", "+ep" },
        { "image_dfl.dcm", "+es +q 60" },
        { "CT_small.dcm", "+ep" },
        { "CT_small.dcm", "+es" },
        { "MR_small.dcm", "+ep +q 70" },
        { "SC_rgb_rle.dcm", "+ep" },
        { "SC_rgb_rle.dcm", "+es +n1" },
        { "SC_rgb_rle_2frame.dcm", "+ep +s4" },
    };

    [Theory]
    [MemberData(nameof(DcmcjpegFiles))]
    public void Decode_DcmcjpegFrame_WithinOneOfDcmdjpeg(string file, string options)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            SampleImage original = Dcmtk.NativeTwin(file, directory);
            string encoded = Path.Combine(directory, "jpeg.dcm");
            Dcmtk.Convert("dcmcjpeg", original.Path, encoded, options.Split(' '));
            var image = SampleImage.Open(encoded);
            Assert.True(image.IsJpegDct, $"{file} {options}: {image.File.TransferSyntax.Name}");

            for (int frame = 0; frame < image.Layout.NumberOfFrames; frame++)
            {
                byte[] ours = JpegDctDecoder.Decode(image.Layout, image.StoredFrame(frame));
                DctReference.AssertWithinOne(DctReference.Dcmdjpeg(encoded, directory, frame), ours, image.Layout.BitsAllocated / 8, $"{file} {options} frame {frame}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>pydicom's JPEG DCT files: 12-bit extended CT, colour from DCMTK, GDCM (4:2:0) and others (Adobe APP14).</summary>
    [Theory]
    [InlineData("JPEG-lossy.dcm")]
    [InlineData("JPGExtended.dcm")]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")]
    [InlineData("SC_rgb_jpeg_lossy_gdcm.dcm")]
    [InlineData("SC_rgb_small_odd_jpeg.dcm")]
    [InlineData("SC_rgb_jpeg_app14_dcmd.dcm")]
    [InlineData("SC_jpeg_no_color_transform.dcm")]
    [InlineData("SC_jpeg_no_color_transform_2.dcm")]
    public void Decode_PydicomFile_WithinOneOfDcmdjpeg(string file)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var image = SampleImage.Open(file);
            byte[] ours = JpegDctDecoder.Decode(image.Layout, image.StoredFrame(0));
            DctReference.AssertWithinOne(DctReference.Dcmdjpeg(image.Path, directory), ours, image.Layout.BitsAllocated / 8, file);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// pnmtojpeg's options for a synthetic image of 1 or 3 samples, 67 × 45 (odd, not whole MCUs): sampling factors
    /// (-sample, first component's first), restart intervals (-restart, every n MCUs with B, else every n lines of MCUs), quality, standard or
    /// optimized Huffman tables, and scans (-scans: one per component, or two components then one).
    /// </summary>
    public static TheoryData<int, string> PnmtojpegStreams => new()
    {
        { 1, "-quality=85" },
        { 1, "-quality=95 -restart=1B" },
        { 1, "-quality=95 -restart=1" },
        { 1, "-quality=50 -restart=7 -optimize" },
        { 3, "-quality=90 -sample=2x2,1x1,1x1" },
        { 3, "-quality=90 -sample=2x1,1x1,1x1 -restart=3B" },
        { 3, "-quality=75 -sample=1x1,1x1,1x1 -restart=2" },
        { 3, "-quality=90 -sample=4x1,1x1,1x1" },
        { 3, "-quality=90 -sample=1x2,1x1,1x1" },
        { 3, "-quality=90 -sample=2x2,1x2,2x1" },
        { 3, "-quality=90 -sample=4x2,1x1,1x1 -restart=5B" },
        { 3, "-quality=90 -sample=3x2,1x1,1x1" },
        { 3, "-quality=80 -sample=2x2,1x1,1x1 -scans=0: 0-63, 0, 0;1: 0-63, 0, 0;2: 0-63, 0, 0" },
        { 3, "-quality=80 -sample=2x1,1x1,1x1 -restart=4B -scans=0 1: 0-63, 0, 0;2: 0-63, 0, 0" },
        { 3, "-quality=80 -rgb -sample=1x1,1x1,1x1" },
        // Progressive: libjpeg's script (DC interleaved, AC bands, successive approximation, runs of EOB), or one given.
        { 1, "-quality=85 -progressive" },
        { 3, "-quality=90 -progressive -sample=2x2,1x1,1x1" },
        { 3, "-quality=90 -progressive -sample=4x1,1x1,1x1" },
        { 3, "-quality=95 -progressive -sample=1x1,1x1,1x1" },
        { 3, "-quality=90 -sample=2x1,1x1,1x1 -scans=0 1 2: 0-0, 0, 2;0: 1-9, 0, 1;1: 1-63, 0, 0;2: 1-63, 0, 0;0: 10-63, 0, 1;0 1 2: 0-0, 2, 1;0 1 2: 0-0, 1, 0;0: 1-63, 1, 0" },
    };

    [Theory]
    [MemberData(nameof(PnmtojpegStreams))]
    public void Decode_PnmtojpegStream_WithinOneOfDcmdjpeg(int samples, string options)
    {
        const int Columns = 67, Rows = 45;
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            string[] arguments = options.StartsWith("-quality", StringComparison.Ordinal) && options.Contains("-scans=", StringComparison.Ordinal)
                ? [.. options[..options.IndexOf("-scans=", StringComparison.Ordinal)].Split(' ', StringSplitOptions.RemoveEmptyEntries), options[options.IndexOf("-scans=", StringComparison.Ordinal)..]]
                : options.Split(' ');
            byte[] jpeg = DctReference.Pnmtojpeg(directory, DctReference.Synthetic(Columns, Rows, samples, options.Length), Columns, Rows, samples, arguments);
            string path = Dcmtk.WriteEncapsulated(directory, jpeg, Columns, Rows, samples, 8, 8, DctReference.Baseline, samples == 3 ? "YBR_FULL" : null);
            var image = SampleImage.Open(path);

            byte[] ours = JpegDctDecoder.Decode(image.Layout, image.StoredFrame(0));

            DctReference.AssertWithinOne(DctReference.Dcmdjpeg(path, directory), ours, 1, options);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Streams of <see cref="JpegDctEncoder"/> (restart intervals, which pnmtojpeg does not write; 12-bit colour; scans
    /// in any order; 16-bit Huffman codes; progressive with restarts and runs of EOB) of a 61 × 37 synthetic image: decoded within ±1 of dcmdjpeg's decoding.
    /// </summary>
    public static TheoryData<string> EncodedStreams => new()
    {
        "grey, 8 bits, restart every MCU",
        "grey, 8 bits, restart every 3 MCUs (RST0 to RST7, round and round)",
        "grey, 12 bits, restart every 5 MCUs",
        "colour, 8 bits, 4:2:0, restart every 2 MCUs",
        "colour, 8 bits, 4:2:2, three scans, restart every 7 MCUs",
        "colour, 8 bits, 4:4:4, scans (Cr) then (Y, Cb), restart every MCU",
        "colour, 12 bits, 4:2:0",
        "colour, 12 bits, 4:1:1, restart every 4 MCUs",
        "grey, 8 bits, progressive (runs of EOB)",
        "grey, 8 bits, progressive, restart every 3 MCUs",
        "colour, 8 bits, 4:2:0, progressive, restart every 2 MCUs",
        "colour, 12 bits, 4:2:2, progressive, restart every 5 MCUs",
    };

    [Theory]
    [MemberData(nameof(EncodedStreams))]
    public void Decode_EncodedStream_WithinOneOfDcmdjpeg(string stream)
    {
        const int Columns = 61, Rows = 37;
        (int samples, JpegDctOptions options) = Describe(stream);
        var planes = new int[samples][];
        for (int c = 0; c < samples; c++)
        {
            (int width, int height) = JpegDctEncoder.ComponentSize(Columns, Rows, options, c);
            byte[] eight = DctReference.Synthetic(width, height, 1, (stream.Length * 3) + c);
            planes[c] = [.. eight.Select(b => options.Precision == 8 ? b : (b * 16) + ((b * 7) % 16))];
        }

        byte[] jpeg = JpegDctEncoder.Encode(planes, Columns, Rows, options);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            int bitsAllocated = options.Precision == 8 ? 8 : 16;
            string syntax = options.Progressive ? DctReference.FullProgression : options.Precision == 8 ? DctReference.Baseline : DctReference.Extended;
            string path = Dcmtk.WriteEncapsulated(directory, jpeg, Columns, Rows, samples, bitsAllocated, options.Precision, syntax, samples == 3 ? "YBR_FULL" : null);
            var image = SampleImage.Open(path);

            byte[] ours = JpegDctDecoder.Decode(image.Layout, jpeg);

            DctReference.AssertWithinOne(DctReference.Dcmdjpeg(path, directory), ours, bitsAllocated / 8, stream);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (int Samples, JpegDctOptions Options) Describe(string stream) => stream switch
    {
        "grey, 8 bits, restart every MCU" => (1, new JpegDctOptions { RestartInterval = 1 }),
        "grey, 8 bits, restart every 3 MCUs (RST0 to RST7, round and round)" => (1, new JpegDctOptions { RestartInterval = 3, Step = 2 }),
        "grey, 12 bits, restart every 5 MCUs" => (1, new JpegDctOptions { Precision = 12, RestartInterval = 5 }),
        "colour, 8 bits, 4:2:0, restart every 2 MCUs" => (3, new JpegDctOptions { Sampling = [(2, 2), (1, 1), (1, 1)], RestartInterval = 2 }),
        "colour, 8 bits, 4:2:2, three scans, restart every 7 MCUs" => (3, new JpegDctOptions { Sampling = [(2, 1), (1, 1), (1, 1)], Scans = [[0], [1], [2]], RestartInterval = 7 }),
        "colour, 8 bits, 4:4:4, scans (Cr) then (Y, Cb), restart every MCU" => (3, new JpegDctOptions { Sampling = [(1, 1), (1, 1), (1, 1)], Scans = [[2], [0, 1]], RestartInterval = 1 }),
        "colour, 12 bits, 4:2:0" => (3, new JpegDctOptions { Precision = 12, Sampling = [(2, 2), (1, 1), (1, 1)] }),
        "colour, 12 bits, 4:1:1, restart every 4 MCUs" => (3, new JpegDctOptions { Precision = 12, Sampling = [(4, 1), (1, 1), (1, 1)], RestartInterval = 4 }),
        "grey, 8 bits, progressive (runs of EOB)" => (1, new JpegDctOptions { Progressive = true, Step = 12 }),
        "grey, 8 bits, progressive, restart every 3 MCUs" => (1, new JpegDctOptions { Progressive = true, RestartInterval = 3, Step = 10 }),
        "colour, 8 bits, 4:2:0, progressive, restart every 2 MCUs" => (3, new JpegDctOptions { Progressive = true, Sampling = [(2, 2), (1, 1), (1, 1)], RestartInterval = 2, Step = 9 }),
        "colour, 12 bits, 4:2:2, progressive, restart every 5 MCUs" => (3, new JpegDctOptions { Progressive = true, Precision = 12, Sampling = [(2, 1), (1, 1), (1, 1)], RestartInterval = 5, Step = 9 }),
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, null),
    };

    /// <summary>
    /// The layout to render with: YBR_FULL_422 becomes YBR_FULL (the decoder upsamples), an Adobe APP14 segment with
    /// transform 0 makes three components RGB, otherwise the data set's word stands; samples interleaved.
    /// </summary>
    [Theory]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm", "YBR_FULL")]
    [InlineData("SC_rgb_jpeg_lossy_gdcm.dcm", "RGB")]
    [InlineData("SC_jpeg_no_color_transform.dcm", "RGB")]
    [InlineData("SC_jpeg_no_color_transform_2.dcm", "RGB")]
    [InlineData("JPEG-lossy.dcm", "MONOCHROME2")]
    public void DecodedLayout_PydicomFile_SaysHowToRender(string file, string photometric)
    {
        var image = SampleImage.Open(file);

        PixelLayout decoded = JpegDctDecoder.DecodedLayout(image.Layout, image.StoredFrame(0));

        Assert.Equal(photometric, decoded.Photometric);
        Assert.False(decoded.Planar);
        Assert.Equal(image.Layout with { Photometric = photometric, Planar = false }, decoded);
    }

    /// <summary>
    /// pydicom's SC_jpeg_no_color_transform_2.dcm says RGB, and its Adobe APP14 segment transform 0: the layout stays
    /// RGB even when a data set says YBR_FULL_422, the frame is decoded as coded to full resolution.
    /// </summary>
    [Fact]
    public void DecodedLayout_AdobeNoTransformUnderYbrFull422_IsRgb()
    {
        var image = SampleImage.Open("SC_jpeg_no_color_transform_2.dcm");
        PixelLayout layout = image.Layout with { Photometric = "YBR_FULL_422" };

        PixelLayout decoded = JpegDctDecoder.DecodedLayout(layout, image.StoredFrame(0));

        Assert.Equal("RGB", decoded.Photometric);
        Assert.Equal(decoded.FrameBytes, JpegDctDecoder.Decode(layout, image.StoredFrame(0)).Length);
    }

    /// <summary>
    /// Colour frames rendered (with <see cref="JpegDctDecoder.DecodedLayout"/>, samples interleaved) as DCMTK's dcmj2pnm
    /// renders the file: RGB within ±1 (the IDCT's), YCbCr within the IDCT's ±1 carried through the conversion plus
    /// the two conversions' own difference (-2 to 1, see ColourRenderingTests).
    /// </summary>
    [Theory]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")]
    [InlineData("SC_rgb_small_odd_jpeg.dcm")]
    [InlineData("SC_jpeg_no_color_transform.dcm")]
    [InlineData("SC_jpeg_no_color_transform_2.dcm")]
    [InlineData("SC_rgb_jpeg_lossy_gdcm.dcm")]
    public void Render_DecodedColourFrame_WithinRoundingOfDcm2pnm(string file)
    {
        var image = SampleImage.Open(file);
        byte[] frame = image.StoredFrame(0);
        PixelLayout layout = JpegDctDecoder.DecodedLayout(image.Layout, frame);

        RenderedImage ours = FrameRenderer.Render(layout, JpegDctDecoder.Decode(image.Layout, frame), planar: false);

        bool ybr = layout.Photometric == "YBR_FULL";
        ReferenceImages.AssertWithin(ReferenceImages.Dcm2Pnm(image.Path), ours.AsPnm(), ybr ? -5 : -1, ybr ? 4 : 1, file);
    }

    /// <summary>
    /// Grey 12-bit frames rendered through a window (the range of the decoded values) as DCMTK's dcmj2pnm renders the
    /// file through the same window: within the renderers' own difference (0 to 1, see GreyRenderingTests) and the
    /// IDCT's ±1 carried through a window some thousands wide (at most one grey level more either way).
    /// </summary>
    [Theory]
    [InlineData("JPEG-lossy.dcm")]
    [InlineData("JPGExtended.dcm")]
    public void Render_DecodedGreyFrame_WithinRoundingOfDcm2pnm(string file)
    {
        var image = SampleImage.Open(file);
        byte[] decoded = JpegDctDecoder.Decode(image.Layout, image.StoredFrame(0));
        VoiWindow window = FrameRenderer.RangeWindow(image.Layout, decoded);
        Assert.True(window.Width >= 255, $"{file}: a window of {window.Width} would magnify the IDCT's ±1.");

        RenderedImage ours = FrameRenderer.Render(JpegDctDecoder.DecodedLayout(image.Layout, image.StoredFrame(0)), decoded, window);

        string center = window.Center.ToString(System.Globalization.CultureInfo.InvariantCulture), width = window.Width.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ReferenceImages.AssertWithin(ReferenceImages.Dcm2Pnm(image.Path, "+Ww", center, width), ours.AsPnm(), -1, 2, file);
    }
}
