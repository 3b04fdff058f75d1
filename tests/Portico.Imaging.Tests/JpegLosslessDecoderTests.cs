using System.Buffers.Binary;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Tests.Shared;
using Xunit;
using static Portico.Imaging.Tests.JpegStreams;

namespace Portico.Imaging.Tests;

/// <summary>
/// <see cref="JpegLosslessDecoder"/> against third-party software: frames encoded by DCMTK's dcmcjpeg (IJG) from
/// pydicom's native files must decode to those files' pixel data byte for byte; frames with a point transform, GDCM's
/// frame, and the test encoder's streams (precisions, restart intervals, one scan per component) must decode to what
/// DCMTK's dcmdjpeg makes of them. Hostile frames (truncated, mutated, lying headers, other JPEG processes) give a
/// <see cref="RenderingException"/> with a message, never another exception, and nothing large is allocated for them.
/// </summary>
public sealed class JpegLosslessDecoderTests
{
    private const string JpegLossless = "1.2.840.10008.1.2.4.57";
    private const string JpegLosslessSv1 = "1.2.840.10008.1.2.4.70";

    private static readonly PixelLayout Grey8x4 = new() { Rows = 4, Columns = 8, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "MONOCHROME2" };

    /// <summary>
    /// A pydicom file (RLE ones are decompressed by dcmdrle first) and dcmcjpeg's options: +e1 is selection value 1
    /// (1.2.840.10008.1.2.4.70), +el +sv n predictor n (1.2.840.10008.1.2.4.57). DCMTK codes at the Bits Allocated.
    /// </summary>
    public static TheoryData<string, string> DcmcjpegFiles => new()
    {
        // Signed 16-bit CT, 128 × 128: every predictor.
        { "CT_small.dcm", "+e1" },
        { "CT_small.dcm", "+el +sv 1" },
        { "CT_small.dcm", "+el +sv 2" },
        { "CT_small.dcm", "+el +sv 3" },
        { "CT_small.dcm", "+el +sv 4" },
        { "CT_small.dcm", "+el +sv 5" },
        { "CT_small.dcm", "+el +sv 6" },
        { "CT_small.dcm", "+el +sv 7" },
        // Signed 16-bit MR, 64 × 64.
        { "MR_small.dcm", "+e1" },
        { "MR_small.dcm", "+el +sv 6" },
        // Unsigned 8-bit, 512 × 512, from a deflated data set.
        { "image_dfl.dcm", "+e1" },
        { "image_dfl.dcm", "+el +sv 4" },
        // RGB 8-bit, 3 × 3 (odd sizes), one interleaved scan.
        { "SC_rgb_small_odd.dcm", "+e1" },
        { "SC_rgb_small_odd.dcm", "+el +sv 7" },
        // RGB 8-bit and 16-bit, 100 × 100, and 8-bit of two frames.
        { "SC_rgb_rle.dcm", "+e1" },
        { "SC_rgb_rle.dcm", "+el +sv 5" },
        { "SC_rgb_rle_16bit.dcm", "+e1" },
        { "SC_rgb_rle_16bit.dcm", "+el +sv 3" },
        { "SC_rgb_rle_2frame.dcm", "+e1" },
    };

    [Theory]
    [MemberData(nameof(DcmcjpegFiles))]
    public void Decode_DcmcjpegFrame_EqualsOriginalPixelData(string file, string options)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            SampleImage original = Dcmtk.NativeTwin(file, directory);
            string encoded = Path.Combine(directory, "jpeg.dcm");
            Dcmtk.Convert("dcmcjpeg", original.Path, encoded, options.Split(' '));
            var image = SampleImage.Open(encoded);
            Assert.Equal(options == "+e1" ? JpegLosslessSv1 : JpegLossless, image.File.TransferSyntax.Uid);
            Assert.Equal(original.Layout.NumberOfFrames, image.Layout.NumberOfFrames);

            for (int frame = 0; frame < image.Layout.NumberOfFrames; frame++)
            {
                Assert.Equal(original.StoredFrame(frame), JpegLosslessDecoder.Decode(image.Layout, image.StoredFrame(frame)));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// T.81 §H.1.2.2: a difference of 32768 is category 16 and has no extra bits. A 16-bit image alternating 0 and
    /// 32768 (with some other values) is made of nothing else after its first line, as dcmcjpeg's table shows.
    /// </summary>
    [Fact]
    public void Decode_DcmcjpegFrameOfDifferences32768_EqualsOriginalPixelData()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            string native = SampleImage.Open("MR_small.dcm").WriteNative(directory, 0, (dataset, pixels) =>
            {
                dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, Portico.Dicom.Values.DicomVR.US, 0);
                for (int i = 0; i < pixels.Length / 2; i++)
                {
                    ushort value = (ushort)(i % 2 == 1 ? 32768 : i % 640 == 0 ? 65535 : 0);
                    BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(i * 2), value);
                }

                return pixels;
            });
            string encoded = Path.Combine(directory, "jpeg.dcm");
            Dcmtk.Convert("dcmcjpeg", native, encoded, "+e1");
            var image = SampleImage.Open(encoded);
            byte[] jpeg = image.StoredFrame(0);
            int dht = MarkerAt(jpeg, 0xC4);
            int values = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(dht + 2)) - 19;
            Assert.Contains((byte)16, jpeg.AsSpan(dht + 21, values).ToArray());

            Assert.Equal(SampleImage.Open(native).StoredFrame(0), JpegLosslessDecoder.Decode(image.Layout, jpeg));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A point transform drops Pt low bits (T.81 §H.1.2.1): the reference is what dcmdjpeg decodes the same file to.</summary>
    [Theory]
    [InlineData("CT_small.dcm", "+el +sv 3 +pt 2")]
    [InlineData("CT_small.dcm", "+e1 +pt 15")]
    [InlineData("MR_small.dcm", "+el +sv 6 +pt 4")]
    [InlineData("image_dfl.dcm", "+e1 +pt 3")]
    [InlineData("SC_rgb_rle.dcm", "+el +sv 7 +pt 1")]
    [InlineData("SC_rgb_rle_16bit.dcm", "+el +sv 2 +pt 5")]
    public void Decode_DcmcjpegFrameWithPointTransform_EqualsDcmdjpeg(string file, string options)
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            SampleImage original = Dcmtk.NativeTwin(file, directory);
            string encoded = Path.Combine(directory, "jpeg.dcm");
            string decoded = Path.Combine(directory, "decoded.dcm");
            Dcmtk.Convert("dcmcjpeg", original.Path, encoded, options.Split(' '));
            Dcmtk.Convert("dcmdjpeg", encoded, decoded);
            var image = SampleImage.Open(encoded);
            var reference = SampleImage.Open(decoded);

            byte[] ours = JpegLosslessDecoder.Decode(image.Layout, image.StoredFrame(0));

            Assert.Equal(reference.StoredFrame(0), ours);
            Assert.NotEqual(original.StoredFrame(0), ours);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// pydicom's JPEG Lossless file made by GDCM (RGB 8-bit, components named R, G, B, an APP14 segment): decoded as
    /// dcmdjpeg decodes it, and rendered (interleaved, as decoded) as DCMTK renders dcmdjpeg's native file.
    /// </summary>
    [Fact]
    public void Decode_GdcmFrame_EqualsDcmdjpegAndRendersAsDcm2pnm()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var image = SampleImage.Open("SC_rgb_jpeg_gdcm.dcm");
            string decoded = Path.Combine(directory, "decoded.dcm");
            Dcmtk.Convert("dcmdjpeg", image.Path, decoded);

            byte[] ours = JpegLosslessDecoder.Decode(image.Layout, image.StoredFrame(0));

            Assert.Equal(SampleImage.Open(decoded).StoredFrame(0), ours);
            RenderedImage rendered = FrameRenderer.Render(image.Layout, ours, planar: false);
            ReferenceImages.AssertWithin(ReferenceImages.Dcm2Pnm(decoded), rendered.AsPnm(), 0, 0, "SC_rgb_jpeg_gdcm.dcm");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Streams DCMTK's encoder cannot be asked for, made by <see cref="JpegLosslessEncoder"/> from a synthetic image
    /// (smooth, noisy, with runs of the extreme values): other precisions, restart intervals, one scan per component.
    /// </summary>
    public static TheoryData<string> EncodedStreams => new()
    {
        "grey, 2 bits",
        "grey, 5 bits, predictor 4",
        "grey, 8 bits in 16 allocated, predictor 7",
        "grey, 12 bits, predictor 5, restart every line",
        "grey, 16 bits, predictor 6, point transform 3, restart every 5 lines",
        "grey, 16 bits, predictor 1, restart every 2 lines (RST0 to RST7, round and round)",
        "colour, 8 bits, three scans",
        "colour, 8 bits, scans (R, G) and (B), predictor 3, restart every 2 lines",
        "colour, 8 bits, three scans B, G, R",
        "colour, 16 bits, predictor 5, restart every 3 lines",
        "colour, 12 bits, three scans, predictor 2, point transform 2, restart every 4 lines",
    };

    [Theory]
    [MemberData(nameof(EncodedStreams))]
    public void Decode_EncodedStream_EqualsOriginalAndDcmdjpeg(string stream)
    {
        (int components, int bitsAllocated, JpegLosslessOptions options) = Describe(stream);
        const int Columns = 67, Rows = 45;
        int[] samples = Synthetic(Columns, Rows, components, options.Precision, seed: stream.Length);
        byte[] jpeg = JpegLosslessEncoder.Encode(samples, Columns, Rows, components, options);
        byte[] expected = Native(samples, bitsAllocated, options.PointTransform);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            string path = Dcmtk.WriteJpegLossless(directory, jpeg, Columns, Rows, components, bitsAllocated, options.Precision);
            string decoded = Path.Combine(directory, "decoded.dcm");
            Dcmtk.Convert("dcmdjpeg", path, decoded);
            var image = SampleImage.Open(path);

            byte[] ours = JpegLosslessDecoder.Decode(image.Layout, jpeg);

            // dcmdjpeg may store 8-bit samples in 8 bits allocated, whatever the data set said: compare values.
            var reference = SampleImage.Open(decoded);
            Assert.Equal(Values(expected, bitsAllocated), Values(reference.StoredFrame(0), reference.Layout.BitsAllocated));
            Assert.Equal(expected, ours);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A 4 × 1 8-bit frame worked by hand: values 128 130 127 127, predictions 128 (2^(P-1)), 128, 130, 127, so
    /// differences 0, 2, -3, 0. Codes 00 for category 0 and 01 for category 2; the extra bits of 2 are 10 and of -3 are
    /// 00 (T.81 §F.1.2.1.1). Bits 00 0110 0100 00 then 1111 of padding: 0x19 0x0F.
    /// </summary>
    [Fact]
    public void Decode_HandWorkedFrame_GivesItsValues()
    {
        byte[] jpeg = Convert.FromHexString(
            "FFD8" + "FFC3000B080001000401" + "0111" + "00" + "FFC40015" + "00" + "00020000000000000000000000000000" + "0002"
            + "FFDA0008010100010000" + "190F" + "FFD9");
        var layout = new PixelLayout { Rows = 1, Columns = 4, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "MONOCHROME2" };

        Assert.Equal([128, 130, 127, 127], JpegLosslessDecoder.Decode(layout, jpeg));
    }

    /// <summary>
    /// A 2 × 1 16-bit frame of 0 then 32768: both differences are 32768 (0 - 2^15 modulo 2^16, then 32768 - 0), category
    /// 16 with no extra bits (T.81 §H.1.2.2). One code, 0, for category 16: bits 0 0 then 111111 of padding: 0x3F.
    /// </summary>
    [Fact]
    public void Decode_HandWorkedDifferencesOf32768_GivesItsValues()
    {
        byte[] jpeg = Convert.FromHexString(
            "FFD8" + "FFC3000B100001000201" + "0111" + "00" + "FFC40014" + "00" + "01000000000000000000000000000000" + "10"
            + "FFDA0008010100010000" + "3F" + "FFD9");
        var layout = new PixelLayout { Rows = 1, Columns = 2, BitsAllocated = 16, BitsStored = 16, HighBit = 15, Photometric = "MONOCHROME2" };

        Assert.Equal([0x00, 0x00, 0x00, 0x80], JpegLosslessDecoder.Decode(layout, jpeg));
    }

    /// <summary>
    /// A lone component's sampling factors change nothing: its size is the image's (T.81 §A.1.1) and its MCU one sample,
    /// so a grey frame that says 2 × 2 decodes as 1 × 1 (as libjpeg does). With colour they would subsample: refused.
    /// </summary>
    [Fact]
    public void Decode_GreyFrameSampled2x2_DecodesAs1x1()
    {
        byte[] jpeg = Encode(8, 4, 1, new JpegLosslessOptions { Precision = 8, Predictor = 5 });
        int sof = MarkerAt(jpeg, 0xC3);

        Assert.Equal(JpegLosslessDecoder.Decode(Grey8x4, jpeg), JpegLosslessDecoder.Decode(Grey8x4, With(jpeg, sof + 11, 0x22)));
    }

    /// <summary>Each case: a change to a valid 8 × 4 grey stream (or colour, or restart) and what the message says.</summary>
    public static TheoryData<string, string> HostileStreams => new()
    {
        { "empty", "SOI" },
        { "no SOI", "SOI" },
        { "no EOI", "EOI" },
        { "no SOF3", "before its frame header" },
        { "no DHT", "Huffman table 0, which no DHT" },
        { "two SOF3", "two frame headers" },
        { "second SOI", "second SOI" },
        { "precision 1", "1 bits; Process 14 allows 2 to 16" },
        { "precision 17", "17 bits; Process 14 allows 2 to 16" },
        { "0 lines (DNL)", "DNL" },
        { "sampling factors 0", "sampling factors 0 × 1" },
        { "colour sampled 2 × 1", "sampled 2 × 1" },
        { "colour frame with two components of one id", "two components with id 1" },
        { "predictor 0", "predictor selection value 0" },
        { "predictor 8", "predictor selection value 8" },
        { "point transform 8 of 8 bits", "point transform 8" },
        { "scan of component 9", "component 9, which its frame header does not define" },
        { "scan of 5 components", "scan header (SOS) of the JPEG Lossless frame is malformed" },
        { "Huffman table of class 2", "class 2" },
        { "Huffman table of 2 codes of 1 bit, then more", "more codes of 3 bits than fit" },
        { "Huffman table claiming 215 codes", "claims 215 codes" },
        { "Huffman code not in the table", "does not define" },
        { "difference category 17", "difference of 17 bits" },
        { "restart interval of 5 samples", "not a whole number" },
        { "malformed DRI", "DRI" },
        { "RST1 where RST0 belongs", "RST1 where restart marker RST0 belongs" },
        { "RST marker outside a scan", "outside a scan" },
        { "colour stream with one scan missing", "a scan is missing" },
        { "colour stream with a component in two scans", "in more than one scan" },
        { "SOF11 (lossless, arithmetic)", "SOF11" },
        { "DAC segment", "arithmetic coding" },
        { "DHP segment", "hierarchical" },
        { "segment length past the end", "claims 65,535 bytes" },
        { "segment length 1", "length 1" },
        { "stray byte before SOS", "where a marker (FF xx) belongs" },
        { "scan data cut short, then EOI", "ends in line" },
    };

    [Theory]
    [MemberData(nameof(HostileStreams))]
    public void Decode_HostileStream_ThrowsRenderingException(string change, string message)
    {
        byte[] grey = Encode(8, 4, 1, new JpegLosslessOptions { Precision = 8, Predictor = 4 });
        var colourLayout = new PixelLayout { Rows = 4, Columns = 8, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "RGB" };
        PixelLayout layout = change.StartsWith("colour", StringComparison.Ordinal) ? colourLayout : Grey8x4;
        int sof = MarkerAt(grey, 0xC3), dht = MarkerAt(grey, 0xC4), sos = MarkerAt(grey, 0xDA);
        byte[] hostile = change switch
        {
            "empty" => [],
            "no SOI" => grey[2..],
            "no EOI" => grey[..^2],
            "no SOF3" => Without(grey, sof),
            "no DHT" => Without(grey, dht),
            "two SOF3" => Insert(grey, sos, grey.AsSpan(sof, SegmentLength(grey, sof)).ToArray()),
            "second SOI" => Insert(grey, sos, [0xFF, 0xD8]),
            "precision 1" => With(grey, sof + 4, 1),
            "precision 17" => With(grey, sof + 4, 17),
            "0 lines (DNL)" => With(With(grey, sof + 5, 0), sof + 6, 0),
            "sampling factors 0" => With(grey, sof + 11, 0x01),
            "colour sampled 2 × 1" => With(Encode(8, 4, 3, new JpegLosslessOptions { Precision = 8 }), sof + 14, 0x21),
            "colour frame with two components of one id" => With(Encode(8, 4, 3, new JpegLosslessOptions { Precision = 8 }), sof + 13, 1),
            "predictor 0" => With(grey, sos + 7, 0),
            "predictor 8" => With(grey, sos + 7, 8),
            "point transform 8 of 8 bits" => With(grey, sos + 9, 8),
            "scan of component 9" => With(grey, sos + 5, 9),
            "scan of 5 components" => With(grey, sos + 4, 5),
            "Huffman table of class 2" => With(grey, dht + 4, 0x20),
            "Huffman table of 2 codes of 1 bit, then more" => With(With(grey, dht + 5, 2), dht + 6, 0),
            "Huffman table claiming 215 codes" => With(grey, dht + 6, 200),
            "Huffman code not in the table" => OneCodeStream(value: "00", data: "FF00FF00FF00FF00"),
            "difference category 17" => OneCodeStream(value: "11", data: "00000000"),
            "restart interval of 5 samples" => Insert(grey, sos, [0xFF, 0xDD, 0x00, 0x04, 0x00, 0x05]),
            "malformed DRI" => Insert(grey, sos, [0xFF, 0xDD, 0x00, 0x03, 0x08]),
            "RST1 where RST0 belongs" => WithFirstRestart(Encode(8, 4, 1, new JpegLosslessOptions { Precision = 8, RestartLines = 1 }), 0xD1),
            "RST marker outside a scan" => Insert(grey, sos, [0xFF, 0xD0]),
            "colour stream with one scan missing" => Encode(8, 4, 3, new JpegLosslessOptions { Precision = 8, Scans = [[0], [1]] }),
            "colour stream with a component in two scans" => Encode(8, 4, 3, new JpegLosslessOptions { Precision = 8, Scans = [[0], [1], [1, 2]] }),
            "SOF11 (lossless, arithmetic)" => With(grey, sof + 1, 0xCB),
            "DAC segment" => Insert(grey, sos, [0xFF, 0xCC, 0x00, 0x04, 0x00, 0x11]),
            "DHP segment" => Insert(grey, sof, [0xFF, 0xDE, 0x00, 0x02]),
            "segment length past the end" => With(With(grey, dht + 2, 0xFF), dht + 3, 0xFF),
            "segment length 1" => With(With(grey, dht + 2, 0), dht + 3, 1),
            "stray byte before SOS" => Insert(grey, sos, [0x00]),
            "scan data cut short, then EOI" => [.. grey.AsSpan(0, SegmentLength(grey, sos) + sos + 3), 0xFF, 0xD9],
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
        };

        var ex = Assert.Throws<RenderingException>(() => JpegLosslessDecoder.Decode(layout, hostile));

        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{change}: {ex.Message}");
    }

    /// <summary>
    /// An 8 × 4 8-bit stream whose table has one code, 0, for the category <paramref name="value"/> (hex), then the
    /// entropy-coded <paramref name="data"/> (hex): 1 bits are a code the table does not define.
    /// </summary>
    private static byte[] OneCodeStream(string value, string data) => Convert.FromHexString(
        "FFD8" + "FFC3000B080004000801" + "0111" + "00" + "FFC40014" + "00" + "01" + new string('0', 30) + value
        + "FFDA0008010100010000" + data + "FFD9");

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
        (PixelLayout layout, byte[] jpeg) = mismatch switch
        {
            "3 samples per pixel for a grey frame" => (Grey8x4 with { SamplesPerPixel = 3, Photometric = "RGB" }, Encode(8, 4, 1, new JpegLosslessOptions { Precision = 8 })),
            "1 sample per pixel for a colour frame" => (Grey8x4, Encode(8, 4, 3, new JpegLosslessOptions { Precision = 8 })),
            "5 rows for 4" => (Grey8x4 with { Rows = 5 }, Encode(8, 4, 1, new JpegLosslessOptions { Precision = 8 })),
            "7 columns for 8" => (Grey8x4 with { Columns = 7 }, Encode(8, 4, 1, new JpegLosslessOptions { Precision = 8 })),
            "8 bits allocated for 12-bit samples" => (Grey8x4, Encode(8, 4, 1, new JpegLosslessOptions { Precision = 12 })),
            "32 bits allocated" => (Grey8x4 with { BitsAllocated = 32, BitsStored = 32, HighBit = 31 }, Encode(8, 4, 1, new JpegLosslessOptions { Precision = 16 })),
            "YBR_FULL_422" => (Grey8x4 with { SamplesPerPixel = 3, Photometric = "YBR_FULL_422" }, Encode(8, 4, 3, new JpegLosslessOptions { Precision = 8 })),
            _ => throw new ArgumentOutOfRangeException(nameof(mismatch), mismatch, null),
        };

        var ex = Assert.Throws<RenderingException>(() => JpegLosslessDecoder.Decode(layout, jpeg));

        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{mismatch}: {ex.Message}");
    }

    /// <summary>Pixel data of other JPEG processes, under a JPEG Lossless transfer syntax by mistake, is refused by name.</summary>
    [Theory]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm", "SOF0 (baseline DCT)")]
    [InlineData("JPGExtended.dcm", "SOF1 (extended sequential DCT)")]
    [InlineData("MR_small_jpeg_ls_lossless.dcm", "JPEG-LS (SOF55)")]
    [InlineData("JPEG2000.dcm", "does not start with an SOI marker")]
    public void Decode_OtherCompression_ThrowsRenderingExceptionNamingIt(string file, string message)
    {
        DicomFile dicom = DicomFile.Open(DicomSamples.Pydicom(file), new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        var layout = PixelLayout.FromDataset(dicom.Dataset);
        var fragments = Assert.IsType<DicomFragments>(dicom.Dataset.Find(DicomTags.PixelData));

        var ex = Assert.Throws<RenderingException>(() => JpegLosslessDecoder.Decode(layout, fragments.Fragments[1].Data.Span));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A valid 8 × 4 stream whose header is changed to claim 65,535 × 65,535 (4 GiB at 8 bits) or 40,000 × 40,000 × 3
    /// at 16 bits, with a layout that agrees: a stream of a few dozen bytes cannot hold that many samples (each takes at
    /// least a bit), so it is refused before the frame is allocated.
    /// </summary>
    [Theory]
    [InlineData(65535, 65535, 1, 8)]
    [InlineData(40000, 40000, 3, 16)]
    [InlineData(2000, 2000, 1, 16)]
    public void Decode_HeaderClaimingHugeImage_ThrowsRenderingExceptionWithoutAllocating(int rows, int columns, int samples, int bits)
    {
        byte[] jpeg = Encode(8, 4, samples, new JpegLosslessOptions { Precision = bits });

        AssertHugeHeaderRefusedWithoutAllocating(JpegLosslessDecoder.Decode, jpeg, MarkerAt(jpeg, 0xC3), rows, columns, samples, bits);
    }

    /// <summary>Every prefix of small frames (DCMTK's 3 × 3 RGB, a restart-interval stream, a three-scan stream) and many of a CT frame.</summary>
    [Fact]
    public void Decode_TruncatedFrames_ThrowRenderingException()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var cases = new List<(string Name, PixelLayout Layout, byte[] Frame, int Step)>();
            foreach (string file in (string[])["SC_rgb_small_odd.dcm", "CT_small.dcm"])
            {
                string encoded = Path.Combine(directory, file);
                Dcmtk.Convert("dcmcjpeg", DicomSamples.Pydicom(file), encoded, "+el", "+sv", "7");
                var image = SampleImage.Open(encoded);
                cases.Add((file, image.Layout, image.StoredFrame(0), file == "CT_small.dcm" ? 37 : 1));
            }

            var colour = new PixelLayout { Rows = 9, Columns = 13, SamplesPerPixel = 3, BitsAllocated = 16, BitsStored = 12, HighBit = 11, Photometric = "RGB" };
            cases.Add(("restarts", colour, Encode(13, 9, 3, new JpegLosslessOptions { Precision = 12, Predictor = 5, RestartLines = 2 }), 1));
            cases.Add(("three scans", colour, Encode(13, 9, 3, new JpegLosslessOptions { Precision = 12, Scans = [[0], [1], [2]], RestartLines = 4 }), 1));

            foreach ((string name, PixelLayout layout, byte[] frame, int step) in cases)
            {
                int end = LastIndexOfEoi(frame) + 2;
                Assert.NotNull(JpegLosslessDecoder.Decode(layout, frame.AsSpan(0, end)));
                AssertCutsRefused(JpegLosslessDecoder.Decode, name, layout, frame, end, step);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Seeded random mutations of real frames (bit flips, lying 16-bit lengths and counts, bytes set to 0xFF or to a
    /// marker, cuts), 4,000 in all: each decodes to a frame of the right size or throws <see cref="RenderingException"/>.
    /// </summary>
    [Fact]
    public void Decode_MutatedFrames_DecodesOrThrowsRenderingExceptionOnly()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var sources = new List<(string Name, PixelLayout Layout, byte[] Frame)>();
            foreach ((string file, string[] options) in (ValueTuple<string, string[]>[])[("CT_small.dcm", ["+e1"]), ("SC_rgb_small_odd.dcm", ["+el", "+sv", "6"])])
            {
                string encoded = Path.Combine(directory, file);
                Dcmtk.Convert("dcmcjpeg", DicomSamples.Pydicom(file), encoded, options);
                var image = SampleImage.Open(encoded);
                sources.Add((file, image.Layout, image.StoredFrame(0)));
            }

            var gdcm = SampleImage.Open("SC_rgb_jpeg_gdcm.dcm");
            sources.Add(("SC_rgb_jpeg_gdcm.dcm", gdcm.Layout, gdcm.StoredFrame(0)));
            var colour = new PixelLayout { Rows = 9, Columns = 13, SamplesPerPixel = 3, BitsAllocated = 16, BitsStored = 16, HighBit = 15, Photometric = "RGB" };
            sources.Add(("three scans with restarts", colour, Encode(13, 9, 3, new JpegLosslessOptions { Precision = 16, Predictor = 6, Scans = [[0, 1], [2]], RestartLines = 2 })));

            var random = new Random(20_570);
            int refused = 0, rounds = 0;
            foreach ((string name, PixelLayout layout, byte[] original) in sources)
            {
                for (int round = 0; round < 1000; round++, rounds++)
                {
                    byte[] frame = (byte[])original.Clone();
                    string mutation = Mutate(ref frame, random, round, headerBytes: 200, lowestMarker: 0xC0);
                    refused += IsRefused(JpegLosslessDecoder.Decode, layout, frame, $"{name}, round {round}, {mutation}") ? 1 : 0;
                }
            }

            Assert.True(refused > rounds / 4, $"Only {refused} of {rounds} mutated frames refused.");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (int Components, int BitsAllocated, JpegLosslessOptions Options) Describe(string stream) => stream switch
    {
        "grey, 2 bits" => (1, 8, new JpegLosslessOptions { Precision = 2 }),
        "grey, 5 bits, predictor 4" => (1, 8, new JpegLosslessOptions { Precision = 5, Predictor = 4 }),
        "grey, 8 bits in 16 allocated, predictor 7" => (1, 16, new JpegLosslessOptions { Precision = 8, Predictor = 7 }),
        "grey, 12 bits, predictor 5, restart every line" => (1, 16, new JpegLosslessOptions { Precision = 12, Predictor = 5, RestartLines = 1 }),
        "grey, 16 bits, predictor 6, point transform 3, restart every 5 lines" => (1, 16, new JpegLosslessOptions { Precision = 16, Predictor = 6, PointTransform = 3, RestartLines = 5 }),
        "grey, 16 bits, predictor 1, restart every 2 lines (RST0 to RST7, round and round)" => (1, 16, new JpegLosslessOptions { Precision = 16, RestartLines = 2 }),
        "colour, 8 bits, three scans" => (3, 8, new JpegLosslessOptions { Precision = 8, Scans = [[0], [1], [2]] }),
        "colour, 8 bits, scans (R, G) and (B), predictor 3, restart every 2 lines" => (3, 8, new JpegLosslessOptions { Precision = 8, Predictor = 3, Scans = [[0, 1], [2]], RestartLines = 2 }),
        "colour, 8 bits, three scans B, G, R" => (3, 8, new JpegLosslessOptions { Precision = 8, Scans = [[2], [1], [0]] }),
        "colour, 16 bits, predictor 5, restart every 3 lines" => (3, 16, new JpegLosslessOptions { Precision = 16, Predictor = 5, RestartLines = 3 }),
        "colour, 12 bits, three scans, predictor 2, point transform 2, restart every 4 lines" => (3, 16, new JpegLosslessOptions { Precision = 12, Predictor = 2, PointTransform = 2, Scans = [[0], [1], [2]], RestartLines = 4 }),
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, null),
    };

    /// <summary>An image of <paramref name="precision"/>-bit samples: smooth waves with noise, and runs of 0 and the largest value.</summary>
    private static int[] Synthetic(int columns, int rows, int components, int precision, int seed)
    {
        var random = new Random(seed);
        int max = (1 << precision) - 1;
        var samples = new int[columns * rows * components];
        for (int i = 0; i < samples.Length; i++)
        {
            int pixel = i / components, x = pixel % columns, y = pixel / columns, c = i % components;
            double wave = (Math.Sin((x + (7 * c)) / 9.0) * Math.Cos(y / 6.0) * 0.45) + 0.5;
            int value = (int)(wave * max) + random.Next(-(max / 20) - 1, (max / 20) + 2);
            samples[i] = (x + y) % 23 == 0 ? max : (x * y) % 31 == 5 ? 0 : Math.Clamp(value, 0, max);
        }

        return samples;
    }

    /// <summary>The native little endian bytes the decoder should give: each sample with its low Pt bits cleared.</summary>
    private static byte[] Native(int[] samples, int bitsAllocated, int pointTransform)
    {
        var bytes = new byte[samples.Length * bitsAllocated / 8];
        for (int i = 0; i < samples.Length; i++)
        {
            int value = samples[i] >> pointTransform << pointTransform;
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

    private static int[] Values(byte[] native, int bitsAllocated) => bitsAllocated == 8
        ? [.. native.Select(b => (int)b)]
        : [.. Enumerable.Range(0, native.Length / 2).Select(i => (int)BinaryPrimitives.ReadUInt16LittleEndian(native.AsSpan(i * 2)))];

    /// <summary>An 8 × 4 (or other) stream of the synthetic image.</summary>
    private static byte[] Encode(int columns, int rows, int components, JpegLosslessOptions options) =>
        JpegLosslessEncoder.Encode(Synthetic(columns, rows, components, options.Precision, seed: 5), columns, rows, components, options);

    private static byte[] WithFirstRestart(byte[] jpeg, byte marker)
    {
        int sos = MarkerAt(jpeg, 0xDA);
        for (int i = sos + SegmentLength(jpeg, sos); i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] is >= 0xD0 and <= 0xD7)
            {
                return With(jpeg, i + 1, marker);
            }
        }

        throw new InvalidOperationException("No restart marker.");
    }
}
