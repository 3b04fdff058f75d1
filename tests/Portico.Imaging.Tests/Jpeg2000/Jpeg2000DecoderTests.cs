using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests.Jpeg2000;

/// <summary>
/// <see cref="Jpeg2000Decoder"/> against OpenJPEG: synthetic images (noise, gradients, CT-like, flat, edges; 1 to 16
/// bits, signed and unsigned, 1 and 3 components, odd sizes and offsets) compressed by opj_compress with many option
/// sets. Lossless (5/3) frames must decode to the original samples byte for byte; lossy ones (9/7, or 5/3 cut to a
/// rate) to what opj_decompress makes of them.
/// </summary>
public sealed class Jpeg2000DecoderTests
{
    /// <summary>An image (kind, width × height, components, bits, signed) and opj_compress's options; all reversible 5/3.</summary>
    public static TheoryData<string, string> LosslessCases => new()
    {
        { "gradient 64x64 1 8 u", "" },
        { "noise 64x64 1 8 u", "" },
        { "ct 128x128 1 16 s", "" },
        { "ct 128x96 1 12 u", "" },
        { "noise 37x23 1 16 u", "-n 4" },
        { "noise 33x17 1 1 u", "-n 2" },
        { "edges 50x40 1 5 s", "-n 3" },
        { "ct 64x64 1 16 s", "-n 1" },
        { "ct 64x64 1 16 s", "-n 6" },
        { "gradient 1x40 1 8 u", "-n 1" },
        { "gradient 40x1 1 8 u", "-n 1 -b 64,4" },
        { "gradient 1x1 1 8 u", "-n 1" },
        { "ct 100x80 1 12 s", "-t 32,32" },
        { "ct 100x80 1 12 s", "-t 17,45 -n 3" },
        { "ct 100x80 1 12 u", "-c [16,16],[16,16],[32,32] -n 4" },
        { "ct 100x80 1 12 u", "-c [8,8] -b 4,4 -n 3" },
        { "noise 70x50 1 12 u", "-b 8,32" },
        { "noise 70x50 1 12 u", "-b 64,16" },
        { "ct 90x70 1 16 u", "-p LRCP -r 40,10,1" },
        { "ct 90x70 1 16 u", "-p RLCP -r 40,10,1" },
        { "ct 90x70 1 16 u", "-p RPCL -c [16,16] -r 20,1 -n 3" },
        { "ct 90x70 1 16 u", "-p PCRL -c [32,32],[16,16] -r 20,1 -t 48,40 -n 4" },
        { "ct 90x70 1 16 u", "-p CPRL -c [64,32],[32,16] -r 20,1 -n 4" },
        { "gradient 60x50 3 8 u", "-p RPCL -c [16,16] -n 3" },
        { "gradient 60x50 3 8 u", "-p PCRL -c [32,32],[16,16] -d 3,5 -n 3" },
        { "gradient 60x50 3 8 u", "-p CPRL -c [16,16] -t 32,24 -n 3" },
        { "noise 60x50 1 8 u", "-M 1" },
        { "noise 60x50 1 8 u", "-M 2" },
        { "noise 60x50 1 8 u", "-M 4" },
        { "ct 60x50 1 12 s", "-M 8" },
        { "ct 60x50 1 12 s", "-M 16" },
        { "ct 60x50 1 12 s", "-M 32" },
        { "ct 60x50 1 12 s", "-M 63 -r 10,1" },
        { "ct 60x50 1 16 u", "-M 5 -r 30,5,1" },
        { "ct 60x50 1 16 u", "-M 1 -r 30,5,1" },
        { "noise 60x50 1 16 u", "-M 38" },
        { "ct 80x60 1 12 u", "-SOP" },
        { "ct 80x60 1 12 u", "-EPH -r 10,1" },
        { "ct 80x60 1 12 u", "-SOP -EPH -PLT -TLM -t 40,40" },
        { "ct 80x60 1 12 u", "-t 40,40 -TP R -n 4" },
        { "ct 80x60 1 12 u", "-r 10,1 -TP L" },
        { "gradient 48x40 3 8 u", "-mct 0" },
        { "gradient 48x40 3 8 u", "-mct 1" },
        { "noise 48x40 3 16 u", "-mct 1" },
        { "noise 47x39 3 12 s", "-mct 1 -n 4" },
        { "ct 64x64 1 12 u", "-ROI c=0,U=14" },
        { "ct 64x64 1 12 u", "-d 5,3" },
        { "ct 64x64 1 12 u", "-d 7,9 -T 3,4 -t 20,30 -n 3" },
        { "ct 64x64 1 12 u", "-r 10,1 -POC T1=0,0,2,2,1,RPCL/T1=2,0,2,6,1,LRCP -n 5" },
        { "flat 64x64 1 16 u", "" },
        { "noise 30x20 1 2 u", "-n 2" },
        { "noise 30x20 1 3 s", "-n 2" },
        { "noise 64x64 1 8 s", "" },
        { "ct 64x64 1 10 u", "-n 4" },
        { "ct 64x64 1 14 s", "-n 4 -M 9" },
        { "edges 45x33 3 12 u", "-mct 0 -n 3 -p PCRL -c [16,16]" },
        { "edges 45x33 1 12 u", "-n 3" },
        { "noise 45x33 3 12 u", "-mct 1 -n 3" },
    };

    [Theory]
    [MemberData(nameof(LosslessCases))]
    public void Decode_OpjCompressLossless_EqualsOriginalSamples(string image, string options)
    {
        (int[] samples, int width, int height, int components, int bits, bool signed) = Parse(image);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            byte[] codestream = OpenJpeg.Compress(directory, samples, width, height, components, bits, signed, options);

            byte[] ours = Jpeg2000Decoder.Decode(Jpeg2000Images.Layout(width, height, components, bits, signed), codestream);

            Assert.Equal(Jpeg2000Images.Native(samples, bits), ours);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>An image and opj_compress's options for a lossy stream: 9/7 (-I), or 5/3 with its layers cut to a rate (-r).</summary>
    public static TheoryData<string, string> LossyCases => new()
    {
        { "ct 128x128 1 16 s", "-I" },
        { "ct 128x128 1 12 u", "-I -r 20" },
        { "ct 100x70 1 12 u", "-I -r 40,20,10" },
        { "ct 100x70 1 16 u", "-I -q 30,40,50" },
        { "noise 64x64 1 8 u", "-I" },
        { "gradient 64x64 1 8 u", "-I -n 1" },
        { "ct 64x64 1 12 s", "-I -n 6" },
        { "ct 63x41 1 12 s", "-I -n 4 -d 3,1" },
        { "ct 100x80 1 12 u", "-I -t 32,32 -n 3" },
        { "ct 100x80 1 12 u", "-I -p RPCL -c [32,32],[16,16] -n 3 -r 15" },
        { "ct 100x80 1 12 u", "-I -M 63 -r 15" },
        { "ct 100x80 1 12 u", "-I -b 16,16 -SOP -EPH" },
        { "gradient 60x50 3 8 u", "-I" },
        { "gradient 60x50 3 8 u", "-I -mct 0 -r 10" },
        { "edges 60x50 3 8 u", "-I -r 20" },
        { "noise 60x50 3 12 u", "-I -r 8" },
        { "ct 60x50 3 16 u", "-I -r 4" },
        { "ct 100x80 1 16 u", "-r 30" },
        { "ct 100x80 1 12 s", "-r 50,20 -M 1" },
        { "gradient 60x50 3 8 u", "-r 15" },
        { "ct 64x64 1 12 u", "-I -ROI c=0,U=10" },
        { "ct 64x64 1 16 u", "-I -r 1 -n 2" },

        // Full-range colour edges through the RCT need more bits than OpenJPEG's two guard bits give: its "lossless"
        // streams of them are not (opj_decompress does not get the original back either).
        { "edges 45x33 3 12 u", "-mct 1 -n 3 -p PCRL -c [16,16]" },
        { "edges 45x33 3 12 u", "-mct 1 -n 3" },
    };

    /// <summary>
    /// Lossy frames decode to what opj_decompress makes of them. The reversible 5/3 frames cut to a rate are integers
    /// throughout: equal byte for byte. The 9/7 wavelet is computed in single precision floats by both, in a different
    /// order, so a sample whose exact value lies near .5 may round the other way; and OpenJPEG 2.5 scales the high-pass
    /// coefficients by 13318/8192 (a fixed-point leftover) where T.800 Annex F has 2/K, 3.3·10⁻⁵ more, which Portico
    /// does not copy. So each sample must be within 1 of OpenJPEG's, or 2 for 16-bit samples (3.3·10⁻⁵ of 2^16 is about
    /// 2; 3 in colour, where the ICT multiplies Cb by 1.772); at 12 bits and less nearly all are equal (a float keeps 24 bits, 12 of them for the fraction), at 16 bits
    /// a fifth to a half differ.
    /// </summary>
    [Theory]
    [MemberData(nameof(LossyCases))]
    public void Decode_OpjCompressLossy_EqualsOpjDecompress(string image, string options)
    {
        (int[] samples, int width, int height, int components, int bits, bool signed) = Parse(image);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            byte[] codestream = OpenJpeg.Compress(directory, samples, width, height, components, bits, signed, options);
            int[][] theirs = OpenJpeg.Decompress(directory, codestream, width, height, components, bits, signed);

            byte[] ours = Jpeg2000Decoder.Decode(Jpeg2000Images.Layout(width, height, components, bits, signed), codestream);

            int[] values = Values(ours, bits, signed);
            bool irreversible = options.Contains("-I", StringComparison.Ordinal);
            int differ = 0;
            for (int i = 0; i < values.Length; i++)
            {
                int expected = theirs[i % components][i / components];
                Assert.True(Math.Abs(values[i] - expected) <= (!irreversible ? 0 : bits <= 12 ? 1 : components == 1 ? 2 : 3), $"Sample {i}: ours {values[i]}, OpenJPEG's {expected}.");
                differ += values[i] != expected ? 1 : 0;
            }

            Assert.True(differ <= values.Length / (bits > 12 ? 2 : 20), $"{differ} of {values.Length} samples differ from OpenJPEG's.");
            Assert.NotEqual(Jpeg2000Images.Native(samples, bits), ours);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The samples of a native frame: little endian 8 or 16 bits, two's complement when signed.</summary>
    internal static int[] Values(byte[] native, int bits, bool signed)
    {
        int bytes = bits > 8 ? 2 : 1;
        var values = new int[native.Length / bytes];
        for (int i = 0; i < values.Length; i++)
        {
            int value = bytes == 2 ? native[2 * i] | (native[(2 * i) + 1] << 8) : native[i];
            values[i] = !signed ? value : bytes == 2 ? (short)value : (sbyte)value;
        }

        return values;
    }

    /// <summary>
    /// Packed packet headers: opj_compress writes none, so its streams with SOP and EPH markers have their headers moved
    /// into PPM (main header) or PPT (tile-part headers) segments by <see cref="PackedHeaders"/>; they must still decode
    /// to the original samples.
    /// </summary>
    [Theory]
    [InlineData("ct 80x60 1 12 u", "-SOP -EPH -r 10,3,1", false)]
    [InlineData("ct 80x60 1 12 u", "-SOP -EPH -r 10,3,1", true)]
    [InlineData("ct 80x60 1 16 s", "-SOP -EPH -t 40,32 -TP R -n 3 -r 5,1", false)]
    [InlineData("ct 80x60 1 16 s", "-SOP -EPH -t 40,32 -TP R -n 3 -r 5,1", true)]
    [InlineData("noise 120x90 1 16 u", "-SOP -EPH -b 16,16", true)]
    [InlineData("gradient 60x50 3 8 u", "-SOP -EPH -p RPCL -c [16,16] -n 3 -M 4", false)]
    [InlineData("gradient 60x50 3 8 u", "-SOP -EPH -p CPRL -c [16,16] -n 3 -t 32,32", true)]
    public void Decode_PackedPacketHeaders_EqualsOriginalSamples(string image, string options, bool inMainHeader)
    {
        (int[] samples, int width, int height, int components, int bits, bool signed) = Parse(image);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            byte[] codestream = PackedHeaders.Pack(OpenJpeg.Compress(directory, samples, width, height, components, bits, signed, options), inMainHeader);
            Assert.True(codestream.AsSpan().IndexOf([(byte)0xFF, (byte)(inMainHeader ? 0x60 : 0x61)]) > 0);

            byte[] ours = Jpeg2000Decoder.Decode(Jpeg2000Images.Layout(width, height, components, bits, signed), codestream);

            Assert.Equal(Jpeg2000Images.Native(samples, bits), ours);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Some DICOM writers store a JP2 file instead of a bare codestream: its contiguous codestream box is decoded.</summary>
    [Theory]
    [InlineData("ct 64x48 1 12 s", "")]
    [InlineData("gradient 40x30 3 8 u", "-mct 1 -n 4")]
    public void Decode_Jp2File_DecodesItsCodestream(string image, string options)
    {
        (int[] samples, int width, int height, int components, int bits, bool signed) = Parse(image);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            byte[] jp2 = OpenJpeg.Compress(directory, samples, width, height, components, bits, signed, options, "jp2");
            Assert.Equal("jP  "u8.ToArray(), jp2[4..8]);

            byte[] ours = Jpeg2000Decoder.Decode(Jpeg2000Images.Layout(width, height, components, bits, signed), jp2);

            Assert.Equal(Jpeg2000Images.Native(samples, bits), ours);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A fourth component (alpha) beside three colour ones is decoded past and left out of the frame.</summary>
    [Theory]
    [InlineData("-mct 0")]
    [InlineData("-mct 1 -SOP -EPH -p CPRL")]
    public void Decode_FourComponents_GivesTheFirstThree(string options)
    {
        int[] samples = Jpeg2000Images.Make("gradient", 40, 30, 4, 8, false, 9);
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            byte[] codestream = OpenJpeg.Compress(directory, samples, 40, 30, 4, 8, false, $"{options} -n 4");

            byte[] ours = Jpeg2000Decoder.Decode(Jpeg2000Images.Layout(40, 30, 3, 8, false), codestream);

            int[] colour = [.. samples.Where((_, i) => i % 4 != 3)];
            Assert.Equal(Jpeg2000Images.Native(colour, 8), ours);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Components subsampled in SIZ (here 4:2:0 from raw YUV) are refused with a message saying so.</summary>
    [Fact]
    public void Decode_SubsampledComponents_ThrowsRenderingException()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            string input = Path.Combine(directory, "in.raw"), output = Path.Combine(directory, "out.j2k");
            File.WriteAllBytes(input, new byte[(32 * 32) + (2 * 16 * 16)]);
            var start = new System.Diagnostics.ProcessStartInfo("opj_compress") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in (string[])["-i", input, "-o", output, "-F", "32,32,3,8,u@1x1:2x2:2x2", "-n", "3"])
            {
                start.ArgumentList.Add(argument);
            }

            using (var process = System.Diagnostics.Process.Start(start)!)
            {
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                Assert.Equal(0, process.ExitCode);
            }

            var ex = Assert.Throws<RenderingException>(() => Jpeg2000Decoder.Decode(Jpeg2000Images.Layout(32, 32, 3, 8, false), File.ReadAllBytes(output)));

            Assert.Contains("Component 1 of the JPEG 2000 codestream is subsampled 2 × 2", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Parses "kind WxH components bits s|u" and makes the image.</summary>
    internal static (int[] Samples, int Width, int Height, int Components, int Bits, bool Signed) Parse(string image)
    {
        string[] parts = image.Split(' ');
        string[] size = parts[1].Split('x');
        int width = int.Parse(size[0], System.Globalization.CultureInfo.InvariantCulture);
        int height = int.Parse(size[1], System.Globalization.CultureInfo.InvariantCulture);
        int components = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        int bits = int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
        bool signed = parts[4] == "s";
        return (Jpeg2000Images.Make(parts[0], width, height, components, bits, signed, image.Aggregate(17, (hash, ch) => unchecked((hash * 31) + ch)) & 0xFFFF), width, height, components, bits, signed);
    }
}
