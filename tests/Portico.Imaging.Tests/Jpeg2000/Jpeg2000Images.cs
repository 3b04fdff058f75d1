namespace Portico.Imaging.Tests.Jpeg2000;

/// <summary>Synthetic test images and the native frames they are expected to decode to.</summary>
internal static class Jpeg2000Images
{
    /// <summary>
    /// Samples (interleaved) of a <paramref name="kind"/> image: "noise" (every value), "gradient" (smooth ramps),
    /// "ct" (a disc of smooth tissue with noise on a flat background), "flat" (one value) or "edges" (stripes and steps).
    /// </summary>
    public static int[] Make(string kind, int width, int height, int components, int bits, bool signed, int seed)
    {
        var random = new Random(seed);
        int min = signed ? -(1 << (bits - 1)) : 0, max = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        var samples = new int[width * height * components];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < components; c++)
                {
                    double value = kind switch
                    {
                        "noise" => random.Next(min, max + 1),
                        "gradient" => min + ((max - min) * (((x * (c + 1)) + (y * 2)) % (width + (2 * height))) / (double)(width + (2 * height))),
                        "ct" => Ct(x, y, width, height, min, max, random),
                        "flat" => min + ((max - min) / 3),
                        _ => ((x / 3) + (y / 5) + c) % 2 == 0 ? min + random.Next(0, 3) : max - random.Next(0, 3),
                    };
                    samples[(((y * width) + x) * components) + c] = Math.Clamp((int)Math.Round(value), min, max);
                }
            }
        }

        return samples;
    }

    /// <summary>The native frame of <paramref name="samples"/>: little endian in 8 or 16 bits, two's complement.</summary>
    public static byte[] Native(int[] samples, int bits)
    {
        int bytes = bits > 8 ? 2 : 1;
        var native = new byte[samples.Length * bytes];
        for (int i = 0; i < samples.Length; i++)
        {
            native[i * bytes] = (byte)samples[i];
            if (bytes == 2)
            {
                native[(i * bytes) + 1] = (byte)(samples[i] >> 8);
            }
        }

        return native;
    }

    /// <summary>The native frame of opj_decompress's planes (component after component), interleaved.</summary>
    public static byte[] Native(int[][] planes, int bits)
    {
        int components = planes.Length, pixels = planes[0].Length;
        var samples = new int[components * pixels];
        for (int i = 0; i < pixels; i++)
        {
            for (int c = 0; c < components; c++)
            {
                samples[(i * components) + c] = planes[c][i];
            }
        }

        return Native(samples, bits);
    }

    public static PixelLayout Layout(int width, int height, int components, int bits, bool signed) => new()
    {
        Rows = height,
        Columns = width,
        SamplesPerPixel = components,
        BitsAllocated = bits > 8 ? 16 : 8,
        BitsStored = bits,
        HighBit = bits - 1,
        Signed = signed,
        Photometric = components == 1 ? "MONOCHROME2" : "RGB",
    };

    private static double Ct(int x, int y, int width, int height, int min, int max, Random random)
    {
        double dx = (x - (width / 2.0)) / width, dy = (y - (height / 2.0)) / height;
        double r = Math.Sqrt((dx * dx) + (dy * dy));
        double range = max - min;
        return r > 0.45
            ? min + (range * 0.02)
            : min + (range * (0.4 + (0.1 * Math.Sin(x / 7.0)) + (0.1 * Math.Cos(y / 11.0)))) + random.Next(-(int)(range / 200) - 1, (int)(range / 200) + 2);
    }
}
