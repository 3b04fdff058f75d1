using Portico.Tests.Shared;
using Xunit;
using static Portico.Imaging.Tests.JpegStreams;

namespace Portico.Imaging.Tests.JpegDct;

/// <summary>
/// <see cref="JpegDctDecoder"/> on hostile frames: valid streams (the test encoder's, pnmtojpeg's, dcmcjpeg's, pydicom's) changed to break
/// one rule each, cut at every byte, mutated thousands of times, or claiming a huge image. Each gives a
/// <see cref="RenderingException"/> whose message says what is wrong (or, for a mutation, a frame of the right size),
/// never another exception, never a hang, and nothing large is allocated for a lying header.
/// </summary>
public sealed class JpegDctHostileInputTests
{
    private const int Columns = 32, Rows = 16;

    private static readonly PixelLayout Grey = new() { Rows = Rows, Columns = Columns, BitsAllocated = 8, BitsStored = 8, HighBit = 7, Photometric = "MONOCHROME2" };

    private static readonly PixelLayout Colour = Grey with { SamplesPerPixel = 3, Photometric = "YBR_FULL" };

    /// <summary>Each case: a change to a valid 32 × 16 stream (grey, or colour 4:2:0 with restarts) and what the message says.</summary>
    public static TheoryData<string, string> HostileStreams => new()
    {
        { "empty", "SOI" },
        { "no EOI", "EOI" },
        { "no SOF", "before its frame header" },
        { "no DHT", "which no DHT segment before it defines" },
        { "no DQT", "which no DQT segment before its scan defines" },
        { "two SOF", "two frame headers" },
        { "precision 10", "10 bits; the DCT processes have 8 or 12" },
        { "baseline of 12 bits", "baseline (SOF0) with samples of 12 bits" },
        { "0 lines (DNL)", "DNL" },
        { "DNL marker", "DNL marker" },
        { "SOF2 (progressive) with a sequential scan", "A progressive scan of the JPEG frame has spectral selection 0 to 63" },
        { "SOF3 (lossless)", "JPEG Lossless (SOF3)" },
        { "SOF5 (hierarchical)", "hierarchical (SOF5)" },
        { "SOF9 (arithmetic)", "arithmetic coding (SOF9)" },
        { "DAC segment", "arithmetic coding (DAC)" },
        { "DHP segment", "hierarchical" },
        { "SOF55 (JPEG-LS)", "JPEG-LS (SOF55)" },
        { "sampling 3 × 1 with 2 × 1", "upsamples only by whole factors" },
        { "MCU of 11 blocks", "at most 10" },
        { "sampling factors 0", "sampling factors 0 × 2" },
        { "quantization table 4", "quantization table 4" },
        { "DQT of precision 2", "precision 2" },
        { "DQT cut short", "cut short" },
        { "Huffman table of class 2", "class 2" },
        { "scan of component 9", "component 9, which its frame header does not define" },
        { "RST1 where RST0 belongs", "RST1 where restart marker RST0 belongs" },
        { "RST marker outside a scan", "outside a scan" },
        { "segment length past the end", "claims 65,535 bytes" },
        { "stray byte before SOS", "where a marker (FF xx) belongs" },
        { "scan data cut short, then EOI", "ends in MCU row" },
        { "layout of other size", "the data set says 32 × 17" },
        { "layout of 3 samples for grey", "1 component; the data set says 3 samples" },
        { "12-bit samples in 8 bits allocated", "Bits Allocated is 8" },
        { "32 bits allocated", "8 or 16 bits allocated" },
    };

    [Theory]
    [MemberData(nameof(HostileStreams))]
    public void Decode_HostileStream_ThrowsRenderingExceptionSayingWhy(string change, string message)
    {
        (PixelLayout layout, byte[] jpeg) = Hostile(change);

        var ex = Assert.Throws<RenderingException>(() => JpegDctDecoder.Decode(layout, jpeg));

        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{change}: {ex.Message}");
    }

    /// <summary>
    /// A valid 32 × 16 stream whose header is changed to claim 65,535 × 65,535 (4 GiB), 40,000 × 40,000 × 3, or
    /// 2,000 × 2,000 (past the first bound, refused by the exact count of blocks), with a layout that agrees: every
    /// block takes at least two bits, so the stream is refused before the frame is allocated.
    /// </summary>
    [Theory]
    [InlineData(65535, 65535, 1)]
    [InlineData(40000, 40000, 3)]
    [InlineData(2000, 2000, 1)]
    [InlineData(1000, 1000, 3)]
    public void Decode_HeaderClaimingHugeImage_ThrowsRenderingExceptionWithoutAllocating(int rows, int columns, int samples)
    {
        byte[] jpeg = samples == 1 ? Stream("grey") : Stream("colour");

        AssertHugeHeaderRefusedWithoutAllocating(JpegDctDecoder.Decode, jpeg, MarkerAt(jpeg, 0xC0), rows, columns, samples, 8);
    }

    /// <summary>
    /// Every prefix of small frames (grey, colour 4:2:0 and progressive with restarts, pnmtojpeg's progressive,
    /// pydicom's 3 × 3) and many of a 12-bit CT frame.
    /// </summary>
    [Fact]
    public void Decode_TruncatedFrames_ThrowRenderingException()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var odd = SampleImage.Open("SC_rgb_small_odd_jpeg.dcm");
            var ct = EncodedCt(directory);
            var cases = new List<(string Name, PixelLayout Layout, byte[] Frame, int Step)>
            {
                ("grey", Grey, Stream("grey"), 1),
                ("colour", Colour, Stream("colour"), 1),
                ("progressive", Colour, Stream("progressive"), 1),
                ("pnmtojpeg progressive", Colour with { Columns = 67, Rows = 45 }, Pnmtojpeg(directory, progressive: true), 3),
                ("SC_rgb_small_odd_jpeg.dcm", odd.Layout, odd.StoredFrame(0), 1),
                ("CT_small.dcm +ee", ct.Layout, ct.StoredFrame(0), 13),
            };

            foreach ((string name, PixelLayout layout, byte[] frame, int step) in cases)
            {
                int end = LastIndexOfEoi(frame) + 2;
                Assert.NotNull(JpegDctDecoder.Decode(layout, frame.AsSpan(0, end)));
                AssertCutsRefused(JpegDctDecoder.Decode, name, layout, frame, end, step);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Seeded random mutations of real frames (bit flips, lying 16-bit lengths and counts, bytes set to 0xFF or to a
    /// marker, cuts), 600 of each of 8 frames: each decodes to a frame of the right size or throws <see cref="RenderingException"/>.
    /// </summary>
    [Fact]
    public void Decode_MutatedFrames_DecodesOrThrowsRenderingExceptionOnly()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var odd = SampleImage.Open("SC_rgb_small_odd_jpeg.dcm");
            var gdcm = SampleImage.Open("SC_rgb_jpeg_lossy_gdcm.dcm");
            var ct = EncodedCt(directory);
            var sources = new List<(string Name, PixelLayout Layout, byte[] Frame)>
            {
                ("grey", Grey, Stream("grey")),
                ("colour", Colour, Stream("colour")),
                ("pnmtojpeg", Colour with { Columns = 67, Rows = 45 }, Pnmtojpeg(directory)),
                ("progressive", Colour, Stream("progressive")),
                ("pnmtojpeg progressive", Colour with { Columns = 67, Rows = 45 }, Pnmtojpeg(directory, progressive: true)),
                ("SC_rgb_small_odd_jpeg.dcm", odd.Layout, odd.StoredFrame(0)),
                ("SC_rgb_jpeg_lossy_gdcm.dcm", gdcm.Layout, gdcm.StoredFrame(0)),
                ("CT_small.dcm +ee", ct.Layout, ct.StoredFrame(0)),
            };

            var random = new Random(20_571);
            int refused = 0, rounds = 0;
            foreach ((string name, PixelLayout layout, byte[] original) in sources)
            {
                for (int round = 0; round < 600; round++, rounds++)
                {
                    byte[] frame = (byte[])original.Clone();
                    string mutation = Mutate(ref frame, random, round, headerBytes: 400, lowestMarker: 0xC0);
                    refused += IsRefused(JpegDctDecoder.Decode, DecodedSize(layout), frame, $"{name}, round {round}, {mutation}") ? 1 : 0;
                }
            }

            Assert.True(refused > rounds / 4, $"Only {refused} of {rounds} mutated frames refused.");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Decoding allocates its output, the tables and, from a pool, the planes: nothing per block. pydicom's 1024 × 256
    /// 12-bit frame (4,096 blocks) and dcmcjpeg's progressive 512 × 512 frame allocate little beyond their output (the
    /// pool's arrays are rented once by an earlier decode).
    /// </summary>
    [Fact]
    public void Decode_Frame_AllocatesLittleBeyondItsOutput()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            string progressive = Path.Combine(directory, "progressive.dcm");
            Dcmtk.Convert("dcmcjpeg", DicomSamples.Pydicom("image_dfl.dcm"), progressive, "+ep");
            foreach (SampleImage image in (SampleImage[])[SampleImage.Open("JPEG-lossy.dcm"), SampleImage.Open(progressive)])
            {
                byte[] frame = image.StoredFrame(0);
                JpegDctDecoder.Decode(image.Layout, frame);

                long before = GC.GetAllocatedBytesForCurrentThread();
                byte[] output = JpegDctDecoder.Decode(image.Layout, frame);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

                Assert.True(allocated < output.Length + (64 * 1024), $"{image.Path}: {allocated:N0} bytes allocated for an output of {output.Length:N0}.");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A layout whose FrameBytes is the decoder's output size (a YBR_FULL_422 layout's are subsampled).</summary>
    private static PixelLayout DecodedSize(PixelLayout layout) => layout.Photometric == "YBR_FULL_422" ? layout with { Photometric = "YBR_FULL" } : layout;

    /// <summary>pydicom's CT_small.dcm, 128 × 128, encoded by dcmcjpeg as 12-bit extended.</summary>
    private static SampleImage EncodedCt(string directory)
    {
        string encoded = Path.Combine(directory, "ct.dcm");
        Dcmtk.Convert("dcmcjpeg", DicomSamples.Pydicom("CT_small.dcm"), encoded, "+ee");
        return SampleImage.Open(encoded);
    }

    /// <summary>
    /// A 32 × 16 stream of <see cref="JpegDctEncoder"/>, a restart every MCU: "grey", "colour" 4:2:0, or "progressive"
    /// (colour 4:2:0 by spectral selection, runs of EOB).
    /// </summary>
    private static byte[] Stream(string kind)
    {
        var options = kind switch
        {
            "grey" => new JpegDctOptions { RestartInterval = 1 },
            "colour" => new JpegDctOptions { Sampling = [(2, 2), (1, 1), (1, 1)], RestartInterval = 1 },
            _ => new JpegDctOptions { Sampling = [(2, 2), (1, 1), (1, 1)], RestartInterval = 1, Progressive = true, Step = 12 },
        };
        int[][] planes = [.. options.Sampling.Select((_, c) =>
        {
            (int width, int height) = JpegDctEncoder.ComponentSize(Columns, Rows, options, c);
            return DctReference.Synthetic(width, height, 1, c + 3).Select(b => (int)b).ToArray();
        })];
        return JpegDctEncoder.Encode(planes, Columns, Rows, options);
    }

    /// <summary>pnmtojpeg's 67 × 45 stream, 4:2:0: with IJG's standard Huffman tables, or progressive (libjpeg's script, successive approximation).</summary>
    private static byte[] Pnmtojpeg(string directory, bool progressive = false) => progressive
        ? DctReference.Pnmtojpeg(directory, DctReference.Synthetic(67, 45, 3, 6), 67, 45, 3, "-quality=80", "-sample=2x2,1x1,1x1", "-progressive")
        : DctReference.Pnmtojpeg(directory, DctReference.Synthetic(67, 45, 3, 5), 67, 45, 3, "-quality=80", "-sample=2x2,1x1,1x1");

    private static (PixelLayout Layout, byte[] Jpeg) Hostile(string change)
    {
        byte[] grey = Stream("grey"), colour = Stream("colour");
        int sof = MarkerAt(grey, 0xC0), sos = MarkerAt(grey, 0xDA), dht = MarkerAt(grey, 0xC4), dqt = MarkerAt(grey, 0xDB);
        int colourSof = MarkerAt(colour, 0xC0);
        int eoi = LastIndexOfEoi(grey);
        return change switch
        {
            "empty" => (Grey, []),
            "no EOI" => (Grey, grey[..eoi]),
            "no SOF" => (Grey, Without(grey, sof)),
            "no DHT" => (Grey, RemoveAll(grey, 0xC4)),
            "no DQT" => (Grey, RemoveAll(grey, 0xDB)),
            "two SOF" => (Grey, Insert(grey, sos, grey.AsSpan(sof, SegmentLength(grey, sof)).ToArray())),
            "precision 10" => (Grey with { BitsAllocated = 16 }, With(grey, sof + 4, 10)),
            "baseline of 12 bits" => (Grey with { BitsAllocated = 16, BitsStored = 12, HighBit = 11 }, With(grey, sof + 4, 12)),
            "0 lines (DNL)" => (Grey, With(With(grey, sof + 5, 0), sof + 6, 0)),
            "DNL marker" => (Grey, Insert(grey, sos, [0xFF, 0xDC, 0x00, 0x04, 0x00, 0x08])),
            "SOF2 (progressive) with a sequential scan" => (Grey, With(grey, sof + 1, 0xC2)),
            "SOF3 (lossless)" => (Grey, With(grey, sof + 1, 0xC3)),
            "SOF5 (hierarchical)" => (Grey, With(grey, sof + 1, 0xC5)),
            "SOF9 (arithmetic)" => (Grey, With(grey, sof + 1, 0xC9)),
            "DAC segment" => (Grey, Insert(grey, sos, [0xFF, 0xCC, 0x00, 0x04, 0x00, 0x10])),
            "DHP segment" => (Grey, Insert(grey, sof, [0xFF, 0xDE, 0x00, 0x02])),
            "SOF55 (JPEG-LS)" => (Grey, With(grey, sof + 1, 0xF7)),
            "sampling 3 × 1 with 2 × 1" => (Colour, With(With(colour, colourSof + 11, 0x31), colourSof + 14, 0x21)),
            "MCU of 11 blocks" => (Colour, With(With(colour, colourSof + 11, 0x42), colourSof + 14, 0x21)),
            "sampling factors 0" => (Colour, With(colour, colourSof + 11, 0x02)),
            "quantization table 4" => (Grey, With(grey, sof + 12, 4)),
            "DQT of precision 2" => (Grey, With(grey, dqt + 4, 0x20)),
            "DQT cut short" => (Grey, Insert(grey, dqt, [0xFF, 0xDB, 0x00, 0x13, 0x01, .. new byte[16]])),
            "Huffman table of class 2" => (Grey, With(grey, dht + 4, 0x20)),
            "scan of component 9" => (Grey, With(grey, sos + 5, 9)),
            "RST1 where RST0 belongs" => (Grey, WithFirstRestart(grey, 0xD1)),
            "RST marker outside a scan" => (Grey, Insert(grey, sos, [0xFF, 0xD0])),
            "segment length past the end" => (Grey, With(With(grey, dht + 2, 0xFF), dht + 3, 0xFF)),
            "stray byte before SOS" => (Grey, Insert(grey, sos, [0x00])),
            "scan data cut short, then EOI" => (Grey, [.. grey.AsSpan(0, sos + SegmentLength(grey, sos) + 3), 0xFF, 0xD9]),
            "layout of other size" => (Grey with { Rows = 17 }, grey),
            "layout of 3 samples for grey" => (Colour, grey),
            "12-bit samples in 8 bits allocated" => (Grey, With(With(grey, sof + 1, 0xC1), sof + 4, 12)),
            "32 bits allocated" => (Grey with { BitsAllocated = 32, BitsStored = 32, HighBit = 31 }, grey),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, null),
        };
    }

    /// <summary>The stream without the segments of <paramref name="marker"/> before its scan.</summary>
    private static byte[] RemoveAll(byte[] jpeg, byte marker)
    {
        for (int i = 2; jpeg[i + 1] != 0xDA;)
        {
            if (jpeg[i + 1] == marker)
            {
                jpeg = Without(jpeg, i);
                continue;
            }

            i += SegmentLength(jpeg, i);
        }

        return jpeg;
    }

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
