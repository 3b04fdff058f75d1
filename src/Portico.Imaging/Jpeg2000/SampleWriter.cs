namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// Puts a tile's reconstructed components into the frame (T.800 Annex G): the inverse component transform (RCT for
/// the 5/3 wavelet, ICT for the 9/7), the DC level shift of unsigned components, rounding and clamping to each
/// component's precision, then little endian samples of the layout's bits allocated, interleaved, signed values in
/// two's complement.
/// </summary>
internal static class SampleWriter
{
    public static void Write(
        PixelLayout layout, byte[] output, TileComponent[] components, int[][] integers, float[][] floats, bool transform,
        int imageX0, int imageY0, int tx0, int ty0, int tx1, int ty1)
    {
        int samples = layout.SamplesPerPixel, bytes = layout.BitsAllocated / 8, columns = layout.Columns;
        int width = tx1 - tx0, height = ty1 - ty0;
        int decoded = Math.Min(samples, components.Length);
        Span<int> pixel = stackalloc int[3];
        Span<int> low = stackalloc int[3], high = stackalloc int[3], shift = stackalloc int[3];
        for (int c = 0; c < decoded; c++)
        {
            // T.800 §G.1.2: unsigned components are shifted up by half their range; each is clamped to its range.
            ComponentInfo info = components[c].Info;
            low[c] = info.Signed ? -(1 << (info.Precision - 1)) : 0;
            high[c] = info.Signed ? (1 << (info.Precision - 1)) - 1 : (1 << info.Precision) - 1;
            shift[c] = info.Signed ? 0 : 1 << (info.Precision - 1);
        }

        for (int y = 0; y < height; y++)
        {
            int source = y * width;
            long target = ((((long)(ty0 - imageY0 + y) * columns) + (tx0 - imageX0)) * samples) * bytes;
            for (int x = 0; x < width; x++, source++)
            {
                if (transform)
                {
                    if (integers[0] is not null)
                    {
                        // T.800 Equation G.6: the inverse reversible component transform.
                        int y0 = integers[0][source], y1 = integers[1][source], y2 = integers[2][source];
                        int g = y0 - ((y1 + y2) >> 2);
                        pixel[0] = y2 + g;
                        pixel[1] = g;
                        pixel[2] = y1 + g;
                    }
                    else
                    {
                        // T.800 Equation G.9: the inverse irreversible component transform.
                        float luma = floats[0][source], cb = floats[1][source], cr = floats[2][source];
                        pixel[0] = (int)MathF.Round(luma + (1.402f * cr));
                        pixel[1] = (int)MathF.Round(luma - (0.34413f * cb) - (0.71414f * cr));
                        pixel[2] = (int)MathF.Round(luma + (1.772f * cb));
                    }
                }
                else
                {
                    for (int c = 0; c < decoded; c++)
                    {
                        pixel[c] = integers[c] is { } values ? values[source] : (int)MathF.Round(Clamp(floats[c][source]));
                    }
                }

                for (int c = 0; c < decoded; c++, target += bytes)
                {
                    int value = Math.Clamp(pixel[c] + shift[c], low[c], high[c]);
                    output[target] = (byte)value;
                    if (bytes == 2)
                    {
                        output[target + 1] = (byte)(value >> 8);
                    }
                }
            }
        }
    }

    /// <summary>Keeps a float that a corrupt stream made huge (or not a number) within int's range before rounding.</summary>
    private static float Clamp(float value) => float.IsNaN(value) ? 0 : Math.Clamp(value, -1e9f, 1e9f);
}
