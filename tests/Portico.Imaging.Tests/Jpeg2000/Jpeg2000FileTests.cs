using System.Buffers.Binary;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests.Jpeg2000;

/// <summary>
/// <see cref="Jpeg2000Decoder"/> on pydicom's JPEG 2000 files, made by other encoders than OpenJPEG's opj_compress
/// (GDCM, Kakadu and others): the lossless MR decodes to its native twin MR_small.dcm; every file decodes to what
/// opj_decompress makes of its codestream (exactly for the 5/3 wavelet, within the 9/7's rounding otherwise, see
/// <see cref="Jpeg2000DecoderTests.Decode_OpjCompressLossy_EqualsOpjDecompress"/>).
/// </summary>
public sealed class Jpeg2000FileTests
{
    [Fact]
    public void Decode_PydicomLosslessMr_EqualsNativeTwin()
    {
        (PixelLayout layout, List<byte[]> frames) = Open("MR_small_jp2klossless.dcm");
        var native = SampleImage.Open("MR_small.dcm");

        byte[] ours = Jpeg2000Decoder.Decode(layout, frames[0]);

        Assert.Equal(native.StoredFrame(0), ours);
        Assert.Equal(native.Render(0).Pixels, FrameRenderer.Render(layout, ours, planar: false).Pixels);
    }

    /// <summary>
    /// JPEG2000.dcm: 1024 × 256 signed 16 bits, 250 bytes (JPEG2000-embedded-sequence-delimiter.dcm, its twin with a
    /// damaged SIZ, is among <see cref="Jpeg2000HostileInputTests"/>). 693_J2KI.dcm: 9/7,
    /// 14 bits stored. GDCMJ2K_TextGBR.dcm: YBR_RCT colour. J2K_pixelrep_mismatch.dcm: the data set says signed, the
    /// codestream unsigned. SC_rgb_gdcm_KY.dcm: RGB made by GDCM with Kakadu.
    /// </summary>
    [Theory]
    [InlineData("MR_small_jp2klossless.dcm")]
    [InlineData("JPEG2000.dcm")]
    [InlineData("693_J2KI.dcm")]
    [InlineData("GDCMJ2K_TextGBR.dcm")]
    [InlineData("J2K_pixelrep_mismatch.dcm")]
    [InlineData("SC_rgb_gdcm_KY.dcm")]
    public void Decode_PydicomFile_EqualsOpjDecompress(string file)
    {
        (PixelLayout layout, List<byte[]> frames) = Open(file);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            byte[] codestream = frames[0];
            bool jp2 = codestream[0] != 0xFF;
            (int precision, bool signed, bool reversible) = Describe(codestream);
            int[][] theirs = OpenJpeg.Decompress(directory, codestream, layout.Columns, layout.Rows, layout.SamplesPerPixel, precision, signed, jp2 ? "jp2" : "j2k");

            byte[] ours = Jpeg2000Decoder.Decode(layout, codestream);

            // Compared in the codestream's own bits: the data set may disagree on signedness (see Jpeg2000Decoder).
            int[] values = Jpeg2000DecoderTests.Values(ours, layout.BitsAllocated, signed);
            int mask = (1 << precision) - 1, differ = 0;
            for (int i = 0; i < values.Length; i++)
            {
                int expected = theirs[i % layout.SamplesPerPixel][i / layout.SamplesPerPixel];
                int tolerance = reversible ? 0 : precision <= 12 ? 1 : 2;
                Assert.True(reversible ? (values[i] & mask) == (expected & mask) : Math.Abs(values[i] - expected) <= tolerance, $"Sample {i}: ours {values[i]}, OpenJPEG's {expected}.");
                differ += values[i] != expected ? 1 : 0;
            }

            Assert.True(differ <= values.Length / 3, $"{differ} of {values.Length} samples differ from OpenJPEG's.");
            Assert.NotNull(FrameRenderer.Render(layout with { Photometric = Jpeg2000Decoder.RenderedPhotometric(layout) }, ours, planar: false));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("YBR_RCT", "RGB")]
    [InlineData("YBR_ICT", "RGB")]
    [InlineData("RGB", "RGB")]
    [InlineData("YBR_FULL", "YBR_FULL")]
    [InlineData("MONOCHROME1", "MONOCHROME1")]
    public void RenderedPhotometric_GivesWhatTheDecodedSamplesAre(string photometric, string rendered)
    {
        var layout = new PixelLayout { Rows = 1, Columns = 1, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = photometric };

        Assert.Equal(rendered, Jpeg2000Decoder.RenderedPhotometric(layout));
    }

    /// <summary>
    /// A JPEG 2000 file's layout (YBR_RCT and YBR_ICT read as RGB, as the caller renders them) and its frames: one
    /// fragment each, or all fragments joined for a single frame.
    /// </summary>
    internal static (PixelLayout Layout, List<byte[]> Frames) Open(string name)
    {
        DicomFile file = DicomFile.Open(DicomSamples.Pydicom(name), new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        Assert.StartsWith("1.2.840.10008.1.2.4.9", file.TransferSyntax.Uid, StringComparison.Ordinal);
        DicomDataset dataset = file.Dataset;
        if (dataset.GetString(DicomTags.PhotometricInterpretation)?.Trim() is "YBR_RCT" or "YBR_ICT")
        {
            dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "RGB");
        }

        var layout = PixelLayout.FromDataset(dataset);
        var fragments = Assert.IsType<DicomFragments>(dataset.Find(DicomTags.PixelData));
        var frames = new List<byte[]>();
        if (fragments.Fragments.Count - 1 == layout.NumberOfFrames)
        {
            frames.AddRange(fragments.Fragments.Skip(1).Select(f => f.Data.ToArray()));
        }
        else
        {
            Assert.Equal(1, layout.NumberOfFrames);
            frames.Add([.. fragments.Fragments.Skip(1).SelectMany(f => f.Data.ToArray())]);
        }

        return (layout, frames);
    }

    /// <summary>The first component's precision and signedness (SIZ) and whether the wavelet is 5/3 (COD), found by their markers.</summary>
    private static (int Precision, bool Signed, bool Reversible) Describe(byte[] data)
    {
        int siz = data.AsSpan().IndexOf([(byte)0xFF, (byte)0x51]);
        int cod = data.AsSpan().IndexOf([(byte)0xFF, (byte)0x52]);
        Assert.True(siz >= 0 && cod >= 0);
        Assert.True(BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(siz + 2)) > 38);
        int ssiz = data[siz + 40];
        return ((ssiz & 0x7F) + 1, (ssiz & 0x80) != 0, data[cod + 13] == 1);
    }
}
