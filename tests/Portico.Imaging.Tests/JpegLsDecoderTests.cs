using System.Buffers.Binary;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Tests.Shared;
using Xunit;
using static Portico.Imaging.Tests.JpegStreams;

namespace Portico.Imaging.Tests;

/// <summary>
/// <see cref="JpegLsDecoder"/> against third-party software: frames encoded lossless by DCMTK's dcmcjpls (CharLS)
/// from pydicom's native files and from synthetic images of long flat runs and noise must decode to the original pixel
/// data byte for byte; near-lossless frames must decode to what DCMTK's dcmdjpls makes of them, every sample within
/// NEAR of the original; pydicom's JPEG-LS file must decode to its native twin. Restart intervals are checked with
/// frames joined from dcmcjpls's strips. Hostile frames (truncated, mutated, lying headers, what is not supported)
/// give a <see cref="RenderingException"/> with a message, never another exception, and nothing large is allocated.
/// </summary>
public sealed class JpegLsDecoderTests
{
    private const string JpegLsLossless = "1.2.840.10008.1.2.4.80";
    private const string JpegLsNearLossless = "1.2.840.10008.1.2.4.81";

    private static readonly PixelLayout Grey8x4 = new() { Rows = 4, Columns = 8, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "MONOCHROME2" };

    private static readonly PixelLayout Colour8x4 = Grey8x4 with { SamplesPerPixel = 3, Photometric = "RGB" };

    /// <summary>
    /// A pydicom file (RLE ones are decompressed by dcmdrle first) and dcmcjpls's options: interleave by line (+il, the
    /// default), by sample (+is) or none (+in); thresholds +t1 +t2 +t3 and reset +rs, written as an LSE segment
    /// (dcmcjpls 3.6.7 crashes with them and +is).
    /// </summary>
    public static TheoryData<string, string> LosslessFiles => new()
    {
        // Signed 16-bit CT, 128 × 128.
        { "CT_small.dcm", "" },
        { "CT_small.dcm", "+t1 5 +t2 9 +t3 30 +rs 100" },
        // Signed 16-bit MR, 64 × 64.
        { "MR_small.dcm", "" },
        { "MR_small.dcm", "+rs 3" },
        // Unsigned 8-bit, 512 × 512, from a deflated data set.
        { "image_dfl.dcm", "" },
        { "image_dfl.dcm", "+t1 2 +t2 4 +t3 10 +rs 20" },
        // RGB 8-bit, 3 × 3 (odd sizes).
        { "SC_rgb_small_odd.dcm", "+il" },
        { "SC_rgb_small_odd.dcm", "+is" },
        { "SC_rgb_small_odd.dcm", "+in" },
        // RGB 8-bit and 16-bit, 100 × 100, and 8-bit of two frames.
        { "SC_rgb_rle.dcm", "+il" },
        { "SC_rgb_rle.dcm", "+is" },
        { "SC_rgb_rle.dcm", "+in" },
        { "SC_rgb_rle.dcm", "+il +t1 4 +t2 8 +t3 25 +rs 40" },
        { "SC_rgb_rle_16bit.dcm", "+il" },
        { "SC_rgb_rle_16bit.dcm", "+is" },
        { "SC_rgb_rle_16bit.dcm", "+in" },
        { "SC_rgb_rle_2frame.dcm", "+is" },
    };

    [Theory]
    [MemberData(nameof(LosslessFiles))]
    public void Decode_DcmcjplsLosslessFrame_EqualsOriginalPixelData(string file, string options)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            SampleImage original = Dcmtk.NativeTwin(file, directory);
            var image = Encode(original.Path, directory, options);
            Assert.Equal(JpegLsLossless, image.File.TransferSyntax.Uid);
            Assert.Equal(original.Layout.NumberOfFrames, image.Layout.NumberOfFrames);

            for (int frame = 0; frame < image.Layout.NumberOfFrames; frame++)
            {
                Assert.Equal(original.StoredFrame(frame), JpegLsDecoder.Decode(image.Layout, image.StoredFrame(frame)));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Near-lossless (+en) with a maximum deviation (+md, NEAR). DCMTK refuses signed pixels for near-lossless, so the
    /// signed files are marked unsigned first (the same bits). dcmdjpls 3.6.7 refuses the 3 × 3 RGB image near-lossless
    /// when interleaved, so that one is not.
    /// </summary>
    public static TheoryData<string, int, string> NearLosslessFiles => new()
    {
        { "CT_small.dcm", 1, "" },
        { "CT_small.dcm", 2, "" },
        { "CT_small.dcm", 5, "" },
        { "MR_small.dcm", 1, "" },
        { "MR_small.dcm", 5, "+t1 9 +t2 20 +t3 50 +rs 30" },
        { "image_dfl.dcm", 1, "" },
        { "image_dfl.dcm", 2, "" },
        { "image_dfl.dcm", 5, "" },
        { "SC_rgb_small_odd.dcm", 2, "+in" },
        { "SC_rgb_rle.dcm", 1, "+il" },
        { "SC_rgb_rle.dcm", 2, "+is" },
        { "SC_rgb_rle.dcm", 5, "+in" },
        { "SC_rgb_rle_16bit.dcm", 2, "+is" },
        { "SC_rgb_rle_16bit.dcm", 5, "+il" },
    };

    [Theory]
    [MemberData(nameof(NearLosslessFiles))]
    public void Decode_DcmcjplsNearLosslessFrame_EqualsDcmdjplsAndIsWithinNear(string file, int near, string options)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            SampleImage native = Dcmtk.NativeTwin(file, directory);
            var original = SampleImage.Open(native.WriteNative(directory, 0, (dataset, pixels) =>
            {
                dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, Portico.Dicom.Values.DicomVR.US, 0);
                return pixels;
            }));
            SampleImage image = Encode(original.Path, directory, $"+en +md {near} {options}");
            Assert.Equal(JpegLsNearLossless, image.File.TransferSyntax.Uid);
            string decoded = Path.Combine(directory, "decoded.dcm");
            Dcmtk.Convert("dcmdjpls", image.Path, decoded);

            byte[] ours = JpegLsDecoder.Decode(image.Layout, image.StoredFrame(0));

            Assert.Equal(SampleImage.Open(decoded).StoredFrame(0), ours);
            AssertWithin(original.StoredFrame(0), ours, image.Layout.BitsAllocated, near);
            Assert.NotEqual(original.StoredFrame(0), ours);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>pydicom's JPEG-LS lossless file (made by another encoder than DCMTK's) decodes to MR_small.dcm's pixels.</summary>
    [Fact]
    public void Decode_PydicomJpegLsLosslessFile_EqualsNativeTwin()
    {
        var image = SampleImage.Open("MR_small_jpeg_ls_lossless.dcm");
        var native = SampleImage.Open("MR_small.dcm");
        Assert.True(image.IsJpegLs);

        byte[] ours = JpegLsDecoder.Decode(image.Layout, image.StoredFrame(0));

        Assert.Equal(native.StoredFrame(0), ours);
        Assert.Equal(native.Render(0).Pixels, FrameRenderer.Render(image.Layout, ours, planar: false).Pixels);
    }

    /// <summary>
    /// Synthetic images of long flat runs (whole lines, and runs cut by single samples), steps, smooth ramps and noise:
    /// run mode with every RUNindex and its interruptions, and regular mode with every context, lossless and near-lossless.
    /// </summary>
    public static TheoryData<string> SyntheticImages => new()
    {
        "grey 8 bits",
        "grey 12 bits",
        "grey 16 bits",
        "grey 12 bits, near 3",
        "grey 16 bits, near 7",
        "colour 8 bits, +il",
        "colour 8 bits, +is",
        "colour 8 bits, +in",
        "colour 8 bits, +is, near 2",
        "colour 16 bits, +is",
        "colour 16 bits, +il, near 4",
    };

    [Theory]
    [MemberData(nameof(SyntheticImages))]
    public void Decode_DcmcjplsSyntheticImage_EqualsOriginalOrDcmdjpls(string description)
    {
        int samples = description.StartsWith("colour", StringComparison.Ordinal) ? 3 : 1;
        int bits = int.Parse(description.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        int near = description.Contains("near", StringComparison.Ordinal) ? int.Parse(description[(description.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        string interleave = description.Contains("+is", StringComparison.Ordinal) ? "+is" : description.Contains("+in", StringComparison.Ordinal) ? "+in" : "+il";
        int bitsAllocated = bits > 8 ? 16 : 8;
        const int Columns = 700, Rows = 90;
        byte[] pixels = Synthetic(Columns, Rows, samples, bits, bitsAllocated, seed: description.Length);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            string native = Dcmtk.WriteNative(directory, pixels, Columns, Rows, samples, bitsAllocated, bits);
            SampleImage image = Encode(native, directory, near == 0 ? interleave : $"+en +md {near} {interleave}");

            byte[] ours = JpegLsDecoder.Decode(image.Layout, image.StoredFrame(0));

            if (near == 0)
            {
                Assert.Equal(pixels, ours);
            }
            else
            {
                string decoded = Path.Combine(directory, "decoded.dcm");
                Dcmtk.Convert("dcmdjpls", image.Path, decoded);
                Assert.Equal(SampleImage.Open(decoded).StoredFrame(0), ours);
                AssertWithin(pixels, ours, bitsAllocated, near);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// T.87 §D.2: after a restart marker the decoder starts over as at the first line of the scan. So dcmcjpls's
    /// frames of strips of <paramref name="lines"/> lines, their scans' data joined with RST0, RST1 ... (round and
    /// round) under a DRI of that many lines, are the whole image with restart intervals.
    /// </summary>
    [Theory]
    [InlineData("CT_small.dcm", 16, "")]
    [InlineData("CT_small.dcm", 1, "")]
    [InlineData("image_dfl.dcm", 100, "")]
    [InlineData("SC_rgb_rle.dcm", 7, "+is")]
    [InlineData("SC_rgb_rle.dcm", 30, "+il")]
    public void Decode_FrameWithRestartIntervals_EqualsOriginalPixelData(string file, int lines, string options)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            SampleImage original = Dcmtk.NativeTwin(file, directory);
            PixelLayout layout = original.Layout;
            byte[] pixels = original.StoredFrame(0);
            int rowBytes = checked((int)(layout.FrameBytes / layout.Rows));
            var joined = new List<byte>();
            for (int row = 0, strip = 0; row < layout.Rows; row += lines, strip++)
            {
                int count = Math.Min(lines, layout.Rows - row);
                string path = original.WriteNative(directory, 0, (dataset, _) =>
                {
                    dataset.AddOrUpdate<ushort>(DicomTags.Rows, Portico.Dicom.Values.DicomVR.US, (ushort)count);
                    return pixels.AsSpan(row * rowBytes, count * rowBytes).ToArray();
                });
                byte[] stream = Encode(path, directory, options).StoredFrame(0);
                int sos = MarkerAt(stream, 0xDA);
                int data = sos + SegmentLength(stream, sos);
                if (strip == 0)
                {
                    // The headers up to the scan's, with the full height and a DRI.
                    byte[] headers = stream[..sos];
                    BinaryPrimitives.WriteUInt16BigEndian(headers.AsSpan(MarkerAt(headers, 0xF7) + 5), (ushort)layout.Rows);
                    joined.AddRange(headers);
                    joined.AddRange([0xFF, 0xDD, 0x00, 0x04, (byte)(lines >> 8), (byte)lines]);
                    joined.AddRange(stream[sos..data]);
                }
                else
                {
                    joined.AddRange([0xFF, (byte)(0xD0 + ((strip - 1) & 7))]);
                }

                joined.AddRange(stream[data..EoiStart(stream)]);
            }

            joined.AddRange([0xFF, 0xD9]);

            Assert.Equal(pixels, JpegLsDecoder.Decode(layout, [.. joined]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Each case: a change to a valid 8 × 4 grey stream (or colour) and what the message says.</summary>
    public static TheoryData<string, string> HostileStreams => new()
    {
        { "empty", "SOI" },
        { "no SOI", "SOI" },
        { "no EOI", "EOI" },
        { "no SOF55", "before its frame header" },
        { "two SOF55", "two frame headers" },
        { "second SOI", "second SOI" },
        { "precision 1", "1 bits; JPEG-LS allows 2 to 16" },
        { "precision 17", "17 bits; JPEG-LS allows 2 to 16" },
        { "0 lines", "sizes of 0" },
        { "sampling factors 0", "sampling factors 0 × 1" },
        { "colour sampled 2 × 1", "sampled 2 × 1" },
        { "colour frame with two components of one id", "two components with id 1" },
        { "scan of component 9", "component 9, which its frame header does not define" },
        { "scan of 5 components", "scan header (SOS) of the JPEG-LS frame is malformed" },
        { "interleave mode 3", "interleave mode 3" },
        { "colour, three components without interleaving", "without interleaving (ILV 0)" },
        { "colour stream with one scan missing", "a scan is missing" },
        { "NEAR 128 of 8 bits", "NEAR 128; with MAXVAL 255" },
        { "NEAR 4 with MAXVAL 7", "NEAR 4; with MAXVAL 7" },
        { "mapping table selected by the scan", "mapping table 1" },
        { "point transform 1", "point transform 1" },
        { "MAXVAL 256 of 8 bits", "MAXVAL 256" },
        { "T1 above T2", "thresholds T1 9, T2 8" },
        { "T1 not above NEAR", "thresholds T1 2" },
        { "RESET 2", "RESET 2" },
        { "LSE type 1 cut short", "LSE type 1" },
        { "LSE type 2 (mapping table)", "mapping table (LSE type 2" },
        { "LSE type 3 (mapping table continued)", "mapping table (LSE type 3" },
        { "LSE type 4 (oversize dimensions)", "LSE type 4" },
        { "LSE type 9", "type 9" },
        { "HP colour transform", "colour transform 1" },
        { "RST marker outside a scan", "outside a scan" },
        { "RST1 where RST0 belongs", "RST1 where restart marker RST0 belongs" },
        { "malformed DRI", "DRI" },
        { "SOF3 (JPEG Lossless)", "JPEG Lossless (SOF3)" },
        { "SOF0 (baseline)", "SOF0" },
        { "segment length past the end", "claims 65,535 bytes" },
        { "segment length 1", "length 1" },
        { "stray byte before SOS", "where a marker (FF xx) belongs" },
        { "scan data cut short, then EOI", "JPEG-LS data" },
        { "Golomb code of zeros", "Golomb code" },
    };

    [Theory]
    [MemberData(nameof(HostileStreams))]
    public void Decode_HostileStream_ThrowsRenderingException(string change, string message)
    {
        byte[] grey = SmallStream(1, "");
        PixelLayout layout = change.StartsWith("colour", StringComparison.Ordinal) ? Colour8x4 : Grey8x4;
        int sof = MarkerAt(grey, 0xF7), sos = MarkerAt(grey, 0xDA);
        byte[] hostile = change switch
        {
            "empty" => [],
            "no SOI" => grey[2..],
            "no EOI" => grey[..EoiStart(grey)],
            "no SOF55" => Without(grey, sof),
            "two SOF55" => Insert(grey, sos, grey.AsSpan(sof, SegmentLength(grey, sof)).ToArray()),
            "second SOI" => Insert(grey, sos, [0xFF, 0xD8]),
            "precision 1" => With(grey, sof + 4, 1),
            "precision 17" => With(grey, sof + 4, 17),
            "0 lines" => With(With(grey, sof + 5, 0), sof + 6, 0),
            "sampling factors 0" => With(grey, sof + 11, 0x01),
            "colour sampled 2 × 1" => With(SmallStream(3, "+il"), sof + 14, 0x21),
            "colour frame with two components of one id" => With(SmallStream(3, "+il"), sof + 13, 1),
            "scan of component 9" => With(grey, sos + 5, 9),
            "scan of 5 components" => With(grey, sos + 4, 5),
            "interleave mode 3" => With(grey, sos + 8, 3),
            "colour, three components without interleaving" => WithScanByte(SmallStream(3, "+il"), 2, 0),
            "colour stream with one scan missing" => OneScanMissing(SmallStream(3, "+in")),
            "NEAR 128 of 8 bits" => With(grey, sos + 7, 128),
            "NEAR 4 with MAXVAL 7" => With(Insert(grey, sos, Preset(1, 7, 0, 0, 0, 0)), sos + 15 + 7, 4),
            "mapping table selected by the scan" => With(grey, sos + 6, 1),
            "point transform 1" => With(grey, sos + 9, 1),
            "MAXVAL 256 of 8 bits" => Insert(grey, sos, Preset(1, 256, 0, 0, 0, 0)),
            "T1 above T2" => Insert(grey, sos, Preset(1, 0, 9, 8, 21, 0)),
            "T1 not above NEAR" => With(Insert(grey, sos, Preset(1, 0, 2, 7, 21, 0)), sos + 15 + 7, 2),
            "RESET 2" => Insert(grey, sos, Preset(1, 0, 0, 0, 0, 2)),
            "LSE type 1 cut short" => Insert(grey, sos, [0xFF, 0xF8, 0x00, 0x05, 0x01, 0x00, 0xFF]),
            "LSE type 2 (mapping table)" => Insert(grey, sos, [0xFF, 0xF8, 0x00, 0x07, 0x02, 0x01, 0x01, 0x00, 0x00]),
            "LSE type 3 (mapping table continued)" => Insert(grey, sos, [0xFF, 0xF8, 0x00, 0x07, 0x03, 0x01, 0x01, 0x00, 0x00]),
            "LSE type 4 (oversize dimensions)" => Insert(grey, sos, [0xFF, 0xF8, 0x00, 0x08, 0x04, 0x02, 0x00, 0x01, 0x00, 0x01]),
            "LSE type 9" => Insert(grey, sos, [0xFF, 0xF8, 0x00, 0x03, 0x09]),
            "HP colour transform" => Insert(grey, sos, [0xFF, 0xE8, 0x00, 0x07, (byte)'m', (byte)'r', (byte)'f', (byte)'x', 0x01]),
            "RST marker outside a scan" => Insert(grey, sos, [0xFF, 0xD0]),
            "RST1 where RST0 belongs" => RestartStream(0xD1),
            "malformed DRI" => Insert(grey, sos, [0xFF, 0xDD, 0x00, 0x03, 0x08]),
            "SOF3 (JPEG Lossless)" => With(grey, sof + 1, 0xC3),
            "SOF0 (baseline)" => With(grey, sof + 1, 0xC0),
            "segment length past the end" => With(With(grey, sof + 2, 0xFF), sof + 3, 0xFF),
            "segment length 1" => With(With(grey, sof + 2, 0), sof + 3, 1),
            "stray byte before SOS" => Insert(grey, sos, [0x00]),
            "scan data cut short, then EOI" => [.. grey.AsSpan(0, SegmentLength(grey, sos) + sos + 1), 0xFF, 0xD9],
            "Golomb code of zeros" => [.. grey.AsSpan(0, SegmentLength(grey, sos) + sos), .. new byte[40], 0xFF, 0xD9],
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
        };

        var ex = Assert.Throws<RenderingException>(() => JpegLsDecoder.Decode(layout, hostile));

        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{change}: {ex.Message}");
    }

    /// <summary>The frame disagrees with the data set (or asks for what the decoder does not give).</summary>
    public static TheoryData<string, string> MismatchedLayouts => new()
    {
        { "3 samples per pixel for a grey frame", "has 1 component; the data set says 3 samples per pixel" },
        { "1 sample per pixel for a colour frame", "has 3 components; the data set says 1 sample per pixel" },
        { "5 rows for 4", "8 × 4 pixels; the data set says 8 × 5" },
        { "7 columns for 8", "8 × 4 pixels; the data set says 7 × 4" },
        { "8 bits allocated for 12-bit samples", "samples of 12 bits; Bits Allocated is 8" },
        { "32 bits allocated", "8 or 16 bits allocated" },
        { "YBR_FULL_422", "YBR_FULL_422" },
    };

    [Theory]
    [MemberData(nameof(MismatchedLayouts))]
    public void Decode_LayoutDisagreesWithFrame_ThrowsRenderingException(string mismatch, string message)
    {
        byte[] grey = SmallStream(1, "");
        (PixelLayout layout, byte[] jpeg) = mismatch switch
        {
            "3 samples per pixel for a grey frame" => (Colour8x4, grey),
            "1 sample per pixel for a colour frame" => (Grey8x4, SmallStream(3, "+il")),
            "5 rows for 4" => (Grey8x4 with { Rows = 5 }, grey),
            "7 columns for 8" => (Grey8x4 with { Columns = 7 }, grey),
            "8 bits allocated for 12-bit samples" => (Grey8x4, With(grey, MarkerAt(grey, 0xF7) + 4, 12)),
            "32 bits allocated" => (Grey8x4 with { BitsAllocated = 32, BitsStored = 32, HighBit = 31 }, grey),
            "YBR_FULL_422" => (Grey8x4 with { SamplesPerPixel = 3, Photometric = "YBR_FULL_422" }, SmallStream(3, "+il")),
            _ => throw new ArgumentOutOfRangeException(nameof(mismatch), mismatch, null),
        };

        var ex = Assert.Throws<RenderingException>(() => JpegLsDecoder.Decode(layout, jpeg));

        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{mismatch}: {ex.Message}");
    }

    /// <summary>Pixel data of other JPEG processes, under a JPEG-LS transfer syntax by mistake, is refused by name.</summary>
    [Theory]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm", "SOF0")]
    [InlineData("SC_rgb_small_odd_jpeg.dcm", "SOF")]
    [InlineData("JPEG2000.dcm", "does not start with an SOI marker")]
    public void Decode_OtherCompression_ThrowsRenderingExceptionNamingIt(string file, string message)
    {
        DicomFile dicom = DicomFile.Open(DicomSamples.Pydicom(file), new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        var layout = PixelLayout.FromDataset(dicom.Dataset);
        var fragments = Assert.IsType<DicomFragments>(dicom.Dataset.Find(DicomTags.PixelData));

        var ex = Assert.Throws<RenderingException>(() => JpegLsDecoder.Decode(layout, fragments.Fragments[1].Data.Span));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A valid 8 × 4 stream whose header is changed to claim 65,535 × 65,535 (4 GiB at 8 bits), 40,000 × 40,000 × 3 at
    /// 16 bits or 2,000 × 2,000, with a layout that agrees: every line takes at least a bit (run mode codes at most
    /// 2^15 samples a bit), so a stream of a few dozen bytes cannot hold them, and it is refused before the frame is
    /// allocated.
    /// </summary>
    [Theory]
    [InlineData(65535, 65535, 1, 8)]
    [InlineData(40000, 40000, 3, 16)]
    [InlineData(2000, 2000, 1, 16)]
    public void Decode_HeaderClaimingHugeImage_ThrowsRenderingExceptionWithoutAllocating(int rows, int columns, int samples, int bits)
    {
        byte[] jpeg = SmallStream(samples, samples == 1 ? "" : "+il");

        AssertHugeHeaderRefusedWithoutAllocating(JpegLsDecoder.Decode, jpeg, MarkerAt(jpeg, 0xF7), rows, columns, samples, bits);
    }

    /// <summary>Every prefix of small frames (3 × 3 RGB in each interleave mode, a restart-interval stream) and many of a CT frame.</summary>
    [Fact]
    public void Decode_TruncatedFrames_ThrowRenderingException()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var frames = new List<(PixelLayout Layout, byte[] Frame, int Step)>();
            foreach (string options in (string[])["+il", "+is", "+in", "+en +md 2 +is"])
            {
                SampleImage rgb = Encode(SampleImage.Open("SC_rgb_small_odd.dcm").Path, directory, options);
                frames.Add((rgb.Layout, rgb.StoredFrame(0), 1));
            }

            frames.Add((Grey8x4, RestartStream(0xD0), 1));
            SampleImage ct = Encode(SampleImage.Open("CT_small.dcm").Path, directory, "");
            frames.Add((ct.Layout, ct.StoredFrame(0), 13));

            foreach ((PixelLayout layout, byte[] frame, int step) in frames)
            {
                AssertCutsRefused(JpegLsDecoder.Decode, $"{layout.Columns} × {layout.Rows}", layout, frame, EoiStart(frame), step);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Seeded random damage to real frames (bit flips, lying 2-byte fields, 0xFF bytes, stray markers, cuts): each
    /// decodes to a frame of the layout's size or throws a <see cref="RenderingException"/>, nothing else.
    /// </summary>
    [Fact]
    public void Decode_MutatedFrames_ReturnFrameOrThrowRenderingException()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var frames = new List<(PixelLayout Layout, byte[] Frame)>();
            foreach ((string file, string options) in (ReadOnlySpan<(string, string)>)[("CT_small.dcm", ""), ("SC_rgb_rle.dcm", "+is"), ("SC_rgb_rle.dcm", "+il"), ("SC_rgb_rle.dcm", "+in"), ("image_dfl.dcm", "+en +md 3")])
            {
                SampleImage image = Encode(Dcmtk.NativeTwin(file, directory).Path, directory, options);
                frames.Add((image.Layout, image.StoredFrame(0)));
            }

            frames.Add((Grey8x4, RestartStream(0xD0)));
            var random = new Random(20240611);
            for (int round = 0; round < 3000; round++)
            {
                (PixelLayout layout, byte[] original) = frames[round % frames.Count];
                byte[] frame = (byte[])original.Clone();
                string mutation = Mutate(ref frame, random, round / frames.Count, headerBytes: 60, lowestMarker: 0x80);
                IsRefused(JpegLsDecoder.Decode, layout, frame, $"Round {round} ({mutation})");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Encodes <paramref name="path"/> with dcmcjpls and the options (space separated, may be empty).</summary>
    private static SampleImage Encode(string path, string directory, string options)
    {
        string encoded = Path.Combine(directory, $"{Guid.NewGuid():N}.dcm");
        Dcmtk.Convert("dcmcjpls", path, encoded, options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return SampleImage.Open(encoded);
    }

    /// <summary>Asserts that every sample of <paramref name="actual"/> is within <paramref name="near"/> of <paramref name="expected"/>'s.</summary>
    private static void AssertWithin(byte[] expected, byte[] actual, int bitsAllocated, int near)
    {
        Assert.Equal(expected.Length, actual.Length);
        int size = bitsAllocated / 8;
        for (int i = 0; i < expected.Length; i += size)
        {
            int a = size == 1 ? expected[i] : BinaryPrimitives.ReadUInt16LittleEndian(expected.AsSpan(i));
            int b = size == 1 ? actual[i] : BinaryPrimitives.ReadUInt16LittleEndian(actual.AsSpan(i));
            Assert.True(Math.Abs(a - b) <= near, $"Sample {i / size}: {b}, originally {a}, differs by more than NEAR {near}.");
        }
    }

    /// <summary>
    /// An image of <paramref name="bits"/>-bit samples, native little endian: bands of whole flat lines, flat lines
    /// broken by single samples, steps, smooth ramps, a checkerboard of the extreme values, and noise of every size.
    /// </summary>
    private static byte[] Synthetic(int columns, int rows, int samples, int bits, int bitsAllocated, int seed)
    {
        var random = new Random(seed);
        int max = (1 << bits) - 1;
        var bytes = new byte[columns * rows * samples * bitsAllocated / 8];
        for (int i = 0; i < columns * rows * samples; i++)
        {
            int pixel = i / samples, x = pixel % columns, y = pixel / columns, c = i % samples;
            int value = (y / 15) switch
            {
                0 => max / 3,
                1 => x % 97 == 50 ? max - c : max / 3,
                2 => (x / 64 % 2 == 0 ? max / 5 : max) - (c * 7),
                3 => (int)((long)max * (x + y + (c * 11)) / (columns + rows + 22)),
                4 => (x + y) % 2 == 0 ? 0 : max,
                _ => x < columns / 3 ? random.Next(max + 1) : x < 2 * columns / 3 ? (max / 2) + random.Next(-3, 4) : (int)((long)max * x / columns) + random.Next(-(max / 50) - 1, (max / 50) + 2),
            };
            value = Math.Clamp(value, 0, max);
            if (bitsAllocated == 8)
            {
                bytes[i] = (byte)value;
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)value);
            }
        }

        return bytes;
    }

    /// <summary>dcmcjpls's frame of an 8 × 4 8-bit image of <paramref name="samples"/> samples (flat, steps and noise).</summary>
    private static byte[] SmallStream(int samples, string options)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            string native = Dcmtk.WriteNative(directory, Synthetic(8, 4, samples, 8, 8, seed: 3), 8, 4, samples, 8, 8);
            return Encode(native, directory, options).StoredFrame(0);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The 8 × 4 grey image as two strips of 2 lines under a DRI of 2 lines, the restart marker between them being <paramref name="marker"/>.</summary>
    private static byte[] RestartStream(byte marker)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            byte[] pixels = Synthetic(8, 4, 1, 8, 8, seed: 3);
            byte[] top = Encode(Dcmtk.WriteNative(directory, pixels[..16], 8, 2, 1, 8, 8), directory, "").StoredFrame(0);
            byte[] bottom = Encode(Dcmtk.WriteNative(directory, pixels[16..], 8, 2, 1, 8, 8), directory, "").StoredFrame(0);
            int sos = MarkerAt(top, 0xDA);
            byte[] headers = top[..sos];
            BinaryPrimitives.WriteUInt16BigEndian(headers.AsSpan(MarkerAt(headers, 0xF7) + 5), 4);
            int bottomData = MarkerAt(bottom, 0xDA) + SegmentLength(bottom, MarkerAt(bottom, 0xDA));
            return [.. headers, 0xFF, 0xDD, 0x00, 0x04, 0x00, 0x02, .. top[sos..EoiStart(top)], 0xFF, marker, .. bottom[bottomData..]];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>An LSE segment of type 1 (or another) with the given MAXVAL, T1, T2, T3 and RESET.</summary>
    private static byte[] Preset(byte type, int maxValue, int t1, int t2, int t3, int reset)
    {
        var segment = new byte[15];
        segment[0] = 0xFF;
        segment[1] = 0xF8;
        segment[3] = 13;
        segment[4] = type;
        int at = 5;
        foreach (int value in (ReadOnlySpan<int>)[maxValue, t1, t2, t3, reset])
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(at), (ushort)value);
            at += 2;
        }

        return segment;
    }

    /// <summary>The stream with byte <paramref name="index"/> after the first scan header's components (0 NEAR, 1 ILV, 2 point transform) set.</summary>
    private static byte[] WithScanByte(byte[] jpeg, int index, byte value)
    {
        int sos = MarkerAt(jpeg, 0xDA);
        return With(jpeg, sos + 5 + (2 * jpeg[sos + 4]) + index - 1, value);
    }

    /// <summary>A stream of three scans (ILV 0) cut after its second, then EOI.</summary>
    private static byte[] OneScanMissing(byte[] jpeg)
    {
        int third = -1;
        for (int i = 0, found = 0; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA && ++found == 3)
            {
                third = i;
                break;
            }
        }

        Assert.True(third > 0, "No third scan.");
        return [.. jpeg.AsSpan(0, third), 0xFF, 0xD9];
    }

    /// <summary>Where EOI starts, before any fill bytes of it (dcmcjpls pads an odd stream with an extra 0xFF before EOI).</summary>
    private static int EoiStart(byte[] frame)
    {
        int at = LastIndexOfEoi(frame);
        while (at > 0 && frame[at - 1] == 0xFF)
        {
            at--;
        }

        return at;
    }
}
