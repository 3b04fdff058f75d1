using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests.Jpeg2000;

/// <summary>
/// OpenJPEG's command-line tools (Debian package libopenjp2-tools, installed by scripts/test.sh): <c>opj_compress</c>
/// makes codestreams from raw little endian samples (.rawl), <c>opj_decompress</c> decodes them back to raw samples.
/// A missing program fails the test saying so.
/// </summary>
internal static class OpenJpeg
{
    /// <summary>
    /// Compresses <paramref name="samples"/> (interleaved, one per component per pixel) of <paramref name="bits"/>
    /// bits, signed or not, with <paramref name="options"/> (opj_compress's, space separated) into a .j2k codestream
    /// (or a JP2 file for <paramref name="extension"/> "jp2").
    /// </summary>
    public static byte[] Compress(string directory, int[] samples, int width, int height, int components, int bits, bool signed, string options, string extension = "j2k")
    {
        // opj_compress reads no raw samples of 1 bit; a PGM of maximum value 1 gives them.
        bool pgm = bits == 1 && components == 1 && !signed;
        string input = Path.Combine(directory, $"{Guid.NewGuid():N}.{(pgm ? "pgm" : "rawl")}");
        string output = Path.Combine(directory, $"{Guid.NewGuid():N}.{extension}");
        File.WriteAllBytes(input, pgm ? [.. System.Text.Encoding.ASCII.GetBytes($"P5\n{width} {height}\n1\n"), .. samples.Select(s => (byte)s)] : ToRaw(samples, width, height, components, bits));
        var arguments = new List<string> { "-i", input, "-o", output };
        if (!pgm)
        {
            arguments.AddRange(["-F", $"{width},{height},{components},{bits},{(signed ? 's' : 'u')}"]);
        }

        arguments.AddRange(options.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Run("opj_compress", arguments);
        return File.ReadAllBytes(output);
    }

    /// <summary>What opj_decompress makes of <paramref name="codestream"/>: each component's samples, in component order.</summary>
    public static int[][] Decompress(string directory, byte[] codestream, int width, int height, int components, int bits, bool signed, string extension = "j2k")
    {
        string input = Path.Combine(directory, $"{Guid.NewGuid():N}.{extension}");
        string output = Path.Combine(directory, $"{Guid.NewGuid():N}.rawl");
        File.WriteAllBytes(input, codestream);
        Run("opj_decompress", ["-i", input, "-o", output]);
        byte[] raw = File.ReadAllBytes(output);
        int bytes = bits > 8 ? 2 : 1;
        Assert.Equal(width * height * components * bytes, raw.Length);

        // opj_decompress writes the components one after another (planar).
        var planes = new int[components][];
        for (int c = 0; c < components; c++)
        {
            planes[c] = new int[width * height];
            for (int i = 0; i < width * height; i++)
            {
                int at = ((c * width * height) + i) * bytes;
                int value = bytes == 2 ? raw[at] | (raw[at + 1] << 8) : raw[at];
                if (signed && value >= 1 << (bits - 1))
                {
                    // opj_decompress writes signed samples in their own bits, not sign extended.
                    value -= 1 << bits;
                }

                planes[c][i] = value;
            }
        }

        return planes;
    }

    /// <summary>Raw little endian samples as opj_compress reads them: component after component.</summary>
    private static byte[] ToRaw(int[] samples, int width, int height, int components, int bits)
    {
        int bytes = bits > 8 ? 2 : 1, pixels = width * height;
        var raw = new byte[samples.Length * bytes];
        for (int c = 0; c < components; c++)
        {
            for (int i = 0; i < pixels; i++)
            {
                int value = samples[(i * components) + c];
                int at = ((c * pixels) + i) * bytes;
                raw[at] = (byte)value;
                if (bytes == 2)
                {
                    raw[at + 1] = (byte)(value >> 8);
                }
            }
        }

        return raw;
    }

    private static void Run(string program, IEnumerable<string> arguments)
    {
        string[] list = [.. arguments];
        ExternalProgram.Result result = ExternalProgram.Run(program, list, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0 && !result.Messages.Contains("ERROR", StringComparison.Ordinal), $"{program} {string.Join(' ', list)} failed ({result.ExitCode}): {result.Messages}");
    }
}
