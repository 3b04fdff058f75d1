using System.Buffers.Binary;
using System.Text;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests.JpegDct;

/// <summary>
/// Third-party JPEG DCT streams and references for <see cref="JpegDctDecoder"/>'s tests: netpbm's pnmtojpeg (IJG
/// libjpeg: restart intervals, sampling factors, scans) encodes synthetic images; DCMTK's dcmdjpeg (IJG, accurate
/// integer IDCT, its default upsampling) decodes a file to the reference, components as coded (+cn) and interleaved
/// (+px). Both are installed by scripts/test.sh (netpbm, dcmtk).
/// </summary>
internal static class DctReference
{
    public const string Baseline = "1.2.840.10008.1.2.4.50";
    public const string Extended = "1.2.840.10008.1.2.4.51";

    /// <summary>JPEG Full Progression, Non-Hierarchical (Processes 10 and 12), retired: what dcmcjpeg +ep writes.</summary>
    public const string FullProgression = "1.2.840.10008.1.2.4.55";

    /// <summary>An image of 8-bit samples: smooth waves with noise, sharp edges, runs of 0 and 255.</summary>
    public static byte[] Synthetic(int columns, int rows, int samples, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[columns * rows * samples];
        for (int i = 0; i < pixels.Length; i++)
        {
            int pixel = i / samples, x = pixel % columns, y = pixel / columns, c = i % samples;
            double wave = (Math.Sin((x + (11 * c)) / 7.0) * Math.Cos((y - (5 * c)) / 5.0) * 0.4) + 0.5;
            int value = (int)(wave * 255) + random.Next(-12, 13);
            pixels[i] = (byte)((x / 9) % 5 == 2 && y > rows / 2 ? 255 : (x + y) % 29 == 0 ? 0 : Math.Clamp(value, 0, 255));
        }

        return pixels;
    }

    /// <summary>Runs pnmtojpeg with <paramref name="options"/> on the image (PGM or PPM) and returns the JPEG stream.</summary>
    public static byte[] Pnmtojpeg(string directory, byte[] pixels, int columns, int rows, int samples, params string[] options)
    {
        string input = Path.Combine(directory, $"{Guid.NewGuid():N}.pnm");
        byte[] header = Encoding.ASCII.GetBytes($"{(samples == 1 ? "P5" : "P6")}\n{columns} {rows}\n255\n");
        File.WriteAllBytes(input, [.. header, .. pixels]);
        if (options.Any(o => o.StartsWith("-scans=", StringComparison.Ordinal)))
        {
            options = [.. options.Select(o => o.StartsWith("-scans=", StringComparison.Ordinal) ? WriteScans(directory, o["-scans=".Length..]) : o)];
        }

        ExternalProgram.Result result = ExternalProgram.Run("pnmtojpeg", [.. options, input], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"pnmtojpeg {string.Join(' ', options)} failed ({result.ExitCode}): {result.Error}");
        return result.Output;
    }

    /// <summary>The frame <paramref name="index"/> that dcmdjpeg decodes <paramref name="path"/> to: every sample as coded, interleaved.</summary>
    public static byte[] Dcmdjpeg(string path, string directory, int index = 0)
    {
        string decoded = Path.Combine(directory, $"{Guid.NewGuid():N}.dcm");
        Dcmtk.Convert("dcmdjpeg", path, decoded, "+cn", "+px");
        DicomFile file = DicomFile.Open(decoded, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        DicomDataset dataset = file.Dataset;
        int size = dataset.GetValue<ushort>(DicomTags.Rows) * dataset.GetValue<ushort>(DicomTags.Columns) * dataset.GetValue<ushort>(DicomTags.SamplesPerPixel) * (dataset.GetValue<ushort>(DicomTags.BitsAllocated) / 8);
        var pixels = Assert.IsType<DicomElement>(dataset.Find(DicomTags.PixelData));
        return pixels.Value.Span.Slice(index * size, size).ToArray();
    }

    /// <summary>
    /// Asserts every sample of <paramref name="actual"/> is within ±1 of <paramref name="expected"/> (T.81's accuracy
    /// of an IDCT); returns the share of samples that are equal, and writes it to the test's output.
    /// </summary>
    public static double AssertWithinOne(byte[] expected, byte[] actual, int bytesPerSample, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int count = expected.Length / bytesPerSample, exact = 0, worst = 0, worstAt = 0;
        for (int i = 0; i < count; i++)
        {
            int e = bytesPerSample == 1 ? expected[i] : BinaryPrimitives.ReadUInt16LittleEndian(expected.AsSpan(2 * i));
            int a = bytesPerSample == 1 ? actual[i] : BinaryPrimitives.ReadUInt16LittleEndian(actual.AsSpan(2 * i));
            int difference = Math.Abs(e - a);
            exact += difference == 0 ? 1 : 0;
            if (difference > worst)
            {
                (worst, worstAt) = (difference, i);
            }
        }

        double share = (double)exact / count;
        TestContext.Current.TestOutputHelper?.WriteLine($"{what}: {share:P2} of {count:N0} samples equal to dcmdjpeg's, the rest within {worst}.");
        Assert.True(worst <= 1, $"{what}: sample {worstAt:N0} of {count:N0} differs from dcmdjpeg's by {worst}; {share:P2} are equal.");
        return share;
    }

    /// <summary>A pnmtojpeg scan script: scans separated by ';', each "components: Ss-Se, Ah, Al" as IJG's wizard syntax.</summary>
    private static string WriteScans(string directory, string scans)
    {
        string path = Path.Combine(directory, $"{Guid.NewGuid():N}.scans");
        File.WriteAllText(path, scans.Replace(';', '\n') + "\n");
        return "-scans=" + path;
    }
}
