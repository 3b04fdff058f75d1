using System.Buffers.Binary;

namespace Portico.Imaging;

/// <summary>
/// Turns one frame of native pixel data (little endian) into an image a screen shows. Grey images: the stored values
/// (Bits Stored at High Bit, two's complement when signed), the rescale (Modality LUT), then a window (VOI LUT, linear,
/// linear exact or sigmoid) onto 256 grey levels, inverted for MONOCHROME1. Without a window, the frame's own range of
/// values. Colour images: RGB or YBR_FULL/YBR_FULL_422 (converted to RGB), interleaved or planar, 8 or 16 bits; PALETTE
/// COLOR through its lookup tables.
/// </summary>
public static class FrameRenderer
{
    /// <summary>Renders <paramref name="frame"/>, laid out as <paramref name="layout"/> says.</summary>
    /// <param name="window">The window to apply to a grey image; null for the file's first window, or the frame's range when it has none.</param>
    /// <param name="planar">Overrides the layout's Planar Configuration (RLE-decoded frames are always planar).</param>
    /// <exception cref="RenderingException">The frame is shorter than the layout says, or native YBR_FULL_422 is not of 8 bits and even columns.</exception>
    public static RenderedImage Render(PixelLayout layout, ReadOnlySpan<byte> frame, VoiWindow? window = null, bool? planar = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (frame.Length < layout.FrameBytes)
        {
            throw new RenderingException($"The frame holds {frame.Length:N0} bytes; {layout.Rows} × {layout.Columns} pixels need {layout.FrameBytes:N0}.");
        }

        return layout.IsMonochrome ? Grey(layout, frame, window)
            : layout.Palette is { } palette ? Palette(layout, palette, frame)
            : Colour(layout, frame, planar ?? layout.Planar);
    }

    /// <summary>The window a grey frame is shown with by default: the file's first, else the range of its values.</summary>
    public static VoiWindow DefaultWindow(PixelLayout layout, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Windows.Count > 0 ? layout.Windows[0] : RangeWindow(layout, frame);
    }

    /// <summary>
    /// A window from the smallest to the largest value of the frame (after the rescale): the smallest black, the largest
    /// white. As PS3.3 C.11.2.1.2.1 notes, center 2^(n-1) and width 2^n select the values 0 to 2^n-1, so the range
    /// min..max is center (min + max + 1) / 2, width max - min + 1 (as DCMTK's min-max window).
    /// </summary>
    public static VoiWindow RangeWindow(PixelLayout layout, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(layout);
        int pixels = layout.Rows * layout.Columns;
        long min = long.MaxValue, max = long.MinValue;
        for (int i = 0; i < pixels; i++)
        {
            long value = Stored(layout, frame, i);
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        double low = Rescale(layout, min), high = Rescale(layout, max);
        (low, high) = (Math.Min(low, high), Math.Max(low, high));
        return new VoiWindow((low + high + 1) / 2, high - low + 1, VoiFunction.Linear);
    }

    private static RenderedImage Grey(PixelLayout layout, ReadOnlySpan<byte> frame, VoiWindow? window)
    {
        VoiWindow w = window ?? DefaultWindow(layout, frame);
        int pixels = layout.Rows * layout.Columns;
        var output = new byte[pixels];
        bool invert = layout.Photometric == "MONOCHROME1";

        // Up to 16 bits stored, one look-up table over every stored value; beyond that, the window per pixel.
        if (layout.BitsStored <= 16)
        {
            int count = 1 << layout.BitsStored;
            int offset = layout.Signed ? count / 2 : 0;
            var table = new byte[count];
            for (int i = 0; i < count; i++)
            {
                byte level = Level(w, Rescale(layout, i - offset));
                table[i] = invert ? (byte)(255 - level) : level;
            }

            for (int i = 0; i < pixels; i++)
            {
                output[i] = table[Stored(layout, frame, i) + offset];
            }
        }
        else
        {
            for (int i = 0; i < pixels; i++)
            {
                byte level = Level(w, Rescale(layout, Stored(layout, frame, i)));
                output[i] = invert ? (byte)(255 - level) : level;
            }
        }

        return new RenderedImage(layout.Columns, layout.Rows, 1, output);
    }

    private static double Rescale(PixelLayout layout, long stored) => (stored * layout.RescaleSlope) + layout.RescaleIntercept;

    /// <summary>The stored value of pixel <paramref name="index"/>: Bits Stored bits ending at High Bit, sign-extended when signed.</summary>
    private static long Stored(PixelLayout layout, ReadOnlySpan<byte> frame, int index)
    {
        ulong raw = layout.BitsAllocated switch
        {
            8 => frame[index],
            16 => BinaryPrimitives.ReadUInt16LittleEndian(frame[(index * 2)..]),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(frame[(index * 4)..]),
        };
        int shift = layout.HighBit + 1 - layout.BitsStored;
        ulong value = (raw >> shift) & ((1UL << layout.BitsStored) - 1);
        if (layout.Signed && (value & (1UL << (layout.BitsStored - 1))) != 0)
        {
            return (long)value - (1L << layout.BitsStored);
        }

        return (long)value;
    }

    /// <summary>A value's grey level through the window (PS3.3 C.11.2.1.2.1 linear, C.11.2.1.3.2 linear exact and sigmoid).</summary>
    private static byte Level(VoiWindow window, double x)
    {
        double c = window.Center, w = window.Width, y;
        switch (window.Function)
        {
            case VoiFunction.Sigmoid:
                y = 255 / (1 + Math.Exp(-4 * (x - c) / w));
                break;
            case VoiFunction.LinearExact:
                y = x <= c - (w / 2) ? 0 : x > c + (w / 2) ? 255 : (((x - c) / w) + 0.5) * 255;
                break;
            default:
                if (w <= 1)
                {
                    y = x <= c - 0.5 ? 0 : 255;
                    break;
                }

                y = x <= c - 0.5 - ((w - 1) / 2) ? 0 : x > c - 0.5 + ((w - 1) / 2) ? 255 : ((((x - (c - 0.5)) / (w - 1)) + 0.5) * 255);
                break;
        }

        return (byte)Math.Clamp(Math.Round(y, MidpointRounding.AwayFromZero), 0, 255);
    }

    private static RenderedImage Colour(PixelLayout layout, ReadOnlySpan<byte> frame, bool planar)
    {
        int pixels = layout.Rows * layout.Columns;
        var output = new byte[pixels * 3];
        if (layout.Photometric == "YBR_FULL_422")
        {
            if (layout.BitsAllocated != 8 || layout.Columns % 2 != 0)
            {
                throw new RenderingException("Native YBR_FULL_422 pixel data is shown only with 8 bits and an even number of columns.");
            }

            // Two pixels in four bytes: Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2).
            for (int i = 0; i < pixels; i += 2)
            {
                int at = i * 2;
                byte cb = frame[at + 2], cr = frame[at + 3];
                YbrToRgb(frame[at], cb, cr, output.AsSpan(i * 3, 3));
                YbrToRgb(frame[at + 1], cb, cr, output.AsSpan((i + 1) * 3, 3));
            }

            return new RenderedImage(layout.Columns, layout.Rows, 3, output);
        }

        if (layout is { Photometric: "RGB", BitsAllocated: 8, BitsStored: 8 } && !planar)
        {
            // Already what a screen shows, in the same order.
            frame[..output.Length].CopyTo(output);
            return new RenderedImage(layout.Columns, layout.Rows, 3, output);
        }

        int bytes = layout.BitsAllocated / 8;
        int low = layout.HighBit + 1 - layout.BitsStored;
        int mask = (1 << layout.BitsStored) - 1;
        for (int i = 0; i < pixels; i++)
        {
            Span<byte> rgb = output.AsSpan(i * 3, 3);
            for (int s = 0; s < 3; s++)
            {
                int sample = planar ? (s * pixels) + i : (i * 3) + s;
                int raw = bytes == 1 ? frame[sample] : BinaryPrimitives.ReadUInt16LittleEndian(frame[(sample * 2)..]);
                int value = (raw >> low) & mask;
                rgb[s] = (byte)(layout.BitsStored >= 8 ? value >> (layout.BitsStored - 8) : value << (8 - layout.BitsStored));
            }

            if (layout.Photometric == "YBR_FULL")
            {
                YbrToRgb(rgb[0], rgb[1], rgb[2], rgb);
            }
        }

        return new RenderedImage(layout.Columns, layout.Rows, 3, output);
    }

    /// <summary>Each stored value through the red, green and blue lookup tables (PS3.3 C.7.6.3.1.6).</summary>
    private static RenderedImage Palette(PixelLayout layout, PaletteColorLut palette, ReadOnlySpan<byte> frame)
    {
        int pixels = layout.Rows * layout.Columns;
        var output = new byte[pixels * 3];
        for (int i = 0; i < pixels; i++)
        {
            int entry = palette.Index(Stored(layout, frame, i));
            output[i * 3] = palette.Red[entry];
            output[(i * 3) + 1] = palette.Green[entry];
            output[(i * 3) + 2] = palette.Blue[entry];
        }

        return new RenderedImage(layout.Columns, layout.Rows, 3, output);
    }

    /// <summary>YCbCr (full range, ITU-R BT.601 coefficients) to RGB, PS3.3 C.7.6.3.1.2.</summary>
    private static void YbrToRgb(byte y, byte cb, byte cr, Span<byte> rgb)
    {
        double b = cb - 128.0, r = cr - 128.0;
        rgb[0] = Clamp(y + (1.402 * r));
        rgb[1] = Clamp(y - (0.344136 * b) - (0.714136 * r));
        rgb[2] = Clamp(y + (1.772 * b));
    }

    private static byte Clamp(double value) => (byte)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);
}
