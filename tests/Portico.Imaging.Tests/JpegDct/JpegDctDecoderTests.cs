using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests.JpegDct;

/// <summary>
/// <see cref="JpegDctDecoder"/> against third-party software: frames encoded by DCMTK's dcmcjpeg (IJG) from pydicom's
/// native files, frames encoded by netpbm's pnmtojpeg (IJG) from synthetic images (sampling factors, restart
/// intervals, one scan per component), and pydicom's own JPEG files must decode to what DCMTK's dcmdjpeg makes of the
/// same file, components as coded: every sample within ±1 (T.81's accuracy of an IDCT; dcmdjpeg uses IJG's accurate
/// integer IDCT, Portico a float one), the share of equal samples written to the test output (typically 97 to 100 %).
/// </summary>
public sealed class JpegDctDecoderTests
{
    /// <summary>
    /// A pydicom file (RLE ones are decompressed by dcmdrle first) and dcmcjpeg's options: +eb baseline, +ee extended
    /// (12 bits for images of more than 8), +q quality, +s4 / +s2 / +n2 / +n1 / +np sampling 4:4:4, 4:2:2 (YBR_FULL_422
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
        { "SC_rgb_rle.dcm", "+eb" },
        { "SC_rgb_rle.dcm", "+eb +s4 +q 95" },
        { "SC_rgb_rle.dcm", "+eb +n2" },
        { "SC_rgb_rle.dcm", "+eb +n1" },
        { "SC_rgb_rle.dcm", "+eb +np" },
        { "SC_rgb_rle.dcm", "+eb +cr" },
        { "SC_rgb_rle.dcm", "+eb +cm" },
        { "SC_rgb_rle.dcm", "+ee +s4" },
        { "SC_rgb_rle_2frame.dcm", "+eb +q 50" },
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
    /// (-sample, first component's first), restart intervals (-restart, in MCUs or rows), quality, standard or
    /// optimized Huffman tables, and scans (-scans: one per component, or two components then one).
    /// </summary>
    public static TheoryData<int, string> PnmtojpegStreams => new()
    {
        { 1, "-quality=85" },
        { 1, "-quality=95 -restart=1" },
        { 1, "-quality=50 -restart=7 -optimize" },
        { 3, "-quality=90 -sample=2x2,1x1,1x1" },
        { 3, "-quality=90 -sample=2x1,1x1,1x1 -restart=3" },
        { 3, "-quality=75 -sample=1x1,1x1,1x1 -restart=2" },
        { 3, "-quality=90 -sample=4x1,1x1,1x1" },
        { 3, "-quality=90 -sample=1x2,1x1,1x1" },
        { 3, "-quality=90 -sample=2x2,1x2,2x1" },
        { 3, "-quality=90 -sample=4x2,1x1,1x1 -restart=5" },
        { 3, "-quality=90 -sample=3x2,1x1,1x1" },
        { 3, "-quality=80 -sample=2x2,1x1,1x1 -scans=0: 0-63, 0, 0;1: 0-63, 0, 0;2: 0-63, 0, 0" },
        { 3, "-quality=80 -sample=2x1,1x1,1x1 -restart=4 -scans=0 1: 0-63, 0, 0;2: 0-63, 0, 0" },
        { 3, "-quality=80 -rgb -sample=1x1,1x1,1x1" },
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
}
