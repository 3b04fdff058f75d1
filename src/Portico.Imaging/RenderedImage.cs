namespace Portico.Imaging;

/// <summary>An image ready to show: 8-bit grey levels (one channel) or RGB (three, interleaved), row by row from the top.</summary>
public sealed class RenderedImage
{
    public RenderedImage(int width, int height, int channels, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image has one channel (grey) or three (RGB).");
        }

        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != (long)width * height * channels)
        {
            throw new ArgumentException($"{width} × {height} × {channels} bytes expected, {pixels.Length} given.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>1 for grey levels, 3 for RGB.</summary>
    public int Channels { get; }

    public byte[] Pixels { get; }

    /// <summary>
    /// This image shrunk to fit within <paramref name="maxWidth"/> × <paramref name="maxHeight"/> with its aspect ratio kept,
    /// each output pixel the mean of the input pixels it covers; the image itself when it already fits (never enlarged).
    /// </summary>
    public RenderedImage FitWithin(int maxWidth, int maxHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeight);
        double scale = Math.Min((double)maxWidth / Width, (double)maxHeight / Height);
        if (scale >= 1)
        {
            return this;
        }

        int width = Math.Max(1, (int)Math.Round(Width * scale));
        int height = Math.Max(1, (int)Math.Round(Height * scale));
        var output = new byte[width * height * Channels];
        var sums = new long[width * Channels];
        var counts = new int[width];
        for (int y = 0; y < height; y++)
        {
            int top = (int)((long)y * Height / height), bottom = (int)((long)(y + 1) * Height / height);
            Array.Clear(sums);
            Array.Clear(counts);
            for (int x = 0; x < width; x++)
            {
                int left = (int)((long)x * Width / width), right = (int)((long)(x + 1) * Width / width);
                for (int sy = top; sy < bottom; sy++)
                {
                    int row = sy * Width * Channels;
                    for (int sx = left; sx < right; sx++)
                    {
                        for (int c = 0; c < Channels; c++)
                        {
                            sums[(x * Channels) + c] += Pixels[row + (sx * Channels) + c];
                        }
                    }
                }

                counts[x] = (right - left) * (bottom - top);
            }

            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < Channels; c++)
                {
                    output[(((y * width) + x) * Channels) + c] = (byte)((sums[(x * Channels) + c] + (counts[x] / 2)) / counts[x]);
                }
            }
        }

        return new RenderedImage(width, height, Channels, output);
    }
}
