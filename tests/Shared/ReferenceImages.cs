using System.Diagnostics;
using System.Text;
using Xunit;

namespace Portico.Tests.Shared;

/// <summary>
/// The third-party programs the rendering is checked against: DCMTK's <c>dcmj2pnm</c> (a reference renderer: dcm2pnm
/// with DCMTK's JPEG decoders, so it also reads JPEG Lossless files) and
/// netpbm's <c>pngtopnm</c> (a PNG decoder built on libpng). Both are installed by scripts/test.sh; a missing one fails
/// the test with a message saying so. Their 8-bit PGM/PPM output is parsed here. Used by the imaging and web tests.
/// </summary>
internal static class ReferenceImages
{
    /// <summary>An 8-bit binary PGM (P5, one channel) or PPM (P6, three channels interleaved).</summary>
    public sealed record Pnm(int Width, int Height, int Channels, byte[] Pixels);

    /// <summary>Renders <paramref name="dicomPath"/> with <c>dcmj2pnm +op</c> (8-bit binary PGM/PPM), overlays off.</summary>
    public static Pnm Dcm2Pnm(string dicomPath, params string[] options)
    {
        string directory = NewTempDirectory();
        try
        {
            string output = Path.Combine(directory, "out.pnm");
            (int exitCode, byte[] _, string error) = Run("dcmj2pnm", ["+op", "-O", .. options, dicomPath, output]);
            Assert.True(exitCode == 0 && File.Exists(output), $"dcmj2pnm {string.Join(' ', options)} {dicomPath} failed ({exitCode}): {error}");
            return ParsePnm(File.ReadAllBytes(output));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Decodes <paramref name="png"/> with netpbm's <c>pngtopnm</c>, which fails on a bad CRC, zlib stream or size.</summary>
    public static Pnm PngToPnm(byte[] png)
    {
        string directory = NewTempDirectory();
        try
        {
            string input = Path.Combine(directory, "in.png");
            File.WriteAllBytes(input, png);
            (int exitCode, byte[] output, string error) = Run("pngtopnm", [input]);
            Assert.True(exitCode == 0 && error.Length == 0, $"pngtopnm failed ({exitCode}): {error}");
            return ParsePnm(output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Parses a binary PGM/PPM: magic, width, height, maxval (255), one whitespace byte, then the samples.</summary>
    public static Pnm ParsePnm(byte[] data)
    {
        int at = 0;
        string magic = Token(data, ref at);
        int width = int.Parse(Token(data, ref at), System.Globalization.CultureInfo.InvariantCulture);
        int height = int.Parse(Token(data, ref at), System.Globalization.CultureInfo.InvariantCulture);
        int maxValue = int.Parse(Token(data, ref at), System.Globalization.CultureInfo.InvariantCulture);
        at++; // the single whitespace byte after maxval
        int channels = magic switch
        {
            "P5" => 1,
            "P6" => 3,
            _ => throw new InvalidDataException($"Not a binary PGM/PPM: magic '{magic}'."),
        };
        Assert.Equal(255, maxValue);
        int length = width * height * channels;
        Assert.True(data.Length - at == length, $"{magic} {width}×{height}: {data.Length - at} bytes of samples, {length} expected.");
        return new Pnm(width, height, channels, data[at..]);
    }

    /// <summary>
    /// Asserts that every sample of <paramref name="actual"/> minus the reference's lies in
    /// [<paramref name="least"/>, <paramref name="most"/>].
    /// </summary>
    public static void AssertWithin(Pnm expected, Pnm actual, int least, int most, string context)
    {
        Assert.True(
            (expected.Width, expected.Height, expected.Channels) == (actual.Width, actual.Height, actual.Channels),
            $"{context}: reference is {expected.Width}×{expected.Height}×{expected.Channels}, ours {actual.Width}×{actual.Height}×{actual.Channels}.");
        int outside = 0, worstAt = -1, worst = 0;
        for (int i = 0; i < expected.Pixels.Length; i++)
        {
            int difference = actual.Pixels[i] - expected.Pixels[i];
            int excess = difference < least ? least - difference : difference > most ? difference - most : 0;
            outside += excess > 0 ? 1 : 0;
            if (excess > worst)
            {
                (worst, worstAt) = (excess, i);
            }
        }

        if (outside > 0)
        {
            int pixel = worstAt / actual.Channels;
            Assert.Fail($"{context}: {outside:N0} of {expected.Pixels.Length:N0} samples are not within [{least}, {most}] of the reference's; worst at x={pixel % actual.Width}, y={pixel / actual.Width}, channel {worstAt % actual.Channels} (reference {expected.Pixels[worstAt]}, ours {actual.Pixels[worstAt]}).");
        }
    }

    public static string NewTempDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "portico-reference-images", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string Token(byte[] data, ref int at)
    {
        while (at < data.Length && (char.IsWhiteSpace((char)data[at]) || data[at] == '#'))
        {
            if (data[at] == '#')
            {
                while (at < data.Length && data[at] != '\n')
                {
                    at++;
                }
            }
            else
            {
                at++;
            }
        }

        int start = at;
        while (at < data.Length && !char.IsWhiteSpace((char)data[at]))
        {
            at++;
        }

        return Encoding.ASCII.GetString(data, start, at - start);
    }

    private static (int ExitCode, byte[] Output, string Error) Run(string program, string[] arguments)
    {
        ExternalProgram.Result result = ExternalProgram.Run(program, arguments, TimeSpan.FromSeconds(30));
        return (result.ExitCode, result.Output, result.Error);
    }
}
