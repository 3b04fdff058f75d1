using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Portico.Imaging.Jpeg;

/// <summary>
/// A DCT frame being decoded: its components, their MCU geometry (T.81 §A.2), the planes they are decoded into, and
/// the output written from them at the end, components upsampled to full resolution and interleaved.
/// </summary>
/// <remarks>
/// Upsampling follows what IJG's libjpeg (and so DCMTK's dcmdjpeg) does by default: components of half the width
/// (and height) are interpolated by its triangle filter ("fancy upsampling": each output sample 3/4 of the nearer
/// input sample and 1/4 of the next, edges repeated), other integral factors (4:1:1, 1 × 2 ...) replicated.
/// </remarks>
internal sealed class DctFrame : IDisposable
{
    private DctFrame(JpegFrameHeader header, DctComponent[] components, int maxHorizontal, int maxVertical, bool progressive)
    {
        Progressive = progressive;
        Header = header;
        Components = components;
        MaxHorizontal = maxHorizontal;
        MaxVertical = maxVertical;
        McusPerLine = (header.Columns + (8 * maxHorizontal) - 1) / (8 * maxHorizontal);
        McuRows = (header.Rows + (8 * maxVertical) - 1) / (8 * maxVertical);
        Level = 1 << (header.Precision - 1);
        Max = (1 << header.Precision) - 1;
    }

    public JpegFrameHeader Header { get; }

    /// <summary>SOF2: coefficients are gathered over the scans and transformed at the end (T.81 Annex G).</summary>
    public bool Progressive { get; }

    public DctComponent[] Components { get; }

    public int MaxHorizontal { get; }

    public int MaxVertical { get; }

    /// <summary>MCUs per line of an interleaved scan (T.81 §A.2.3).</summary>
    public int McusPerLine { get; }

    /// <summary>Lines of MCUs of an interleaved scan.</summary>
    public int McuRows { get; }

    /// <summary>The level shift, 2^(P-1) (T.81 §A.3.1).</summary>
    public int Level { get; }

    /// <summary>The largest sample, 2^P - 1.</summary>
    public int Max { get; }

    /// <summary>
    /// The frame of <paramref name="header"/>, once its sampling factors are known to be integral ratios (as libjpeg
    /// requires) and a stream of <paramref name="frameLength"/> bytes can hold its blocks: every block takes at least
    /// one bit (a Huffman code, §C) in a progressive frame's DC scan, and two (a DC and an AC code) in a sequential one.
    /// Its planes are allocated only then.
    /// </summary>
    public static DctFrame Create(JpegFrameHeader header, int frameLength, bool progressive, JpegFormat format)
    {
        int count = header.Components.Length;
        int maxH = 1, maxV = 1;
        foreach (byte factors in header.SamplingFactors)
        {
            maxH = Math.Max(maxH, factors >> 4);
            maxV = Math.Max(maxV, factors & 0x0F);
        }

        var components = new DctComponent[count];
        long blocks = 0, samples = 0;
        int mcusPerLine = (header.Columns + (8 * maxH) - 1) / (8 * maxH);
        int mcuRows = (header.Rows + (8 * maxV) - 1) / (8 * maxV);
        for (int c = 0; c < count; c++)
        {
            // A lone component is its own MCU whatever its factors say (T.81 §A.2.2): as 1 × 1.
            int h = count == 1 ? 1 : header.SamplingFactors[c] >> 4;
            int v = count == 1 ? 1 : header.SamplingFactors[c] & 0x0F;
            if (count > 1 && (maxH % h != 0 || maxV % v != 0))
            {
                throw new RenderingException($"Component {header.Components[c]} of the {format.Name} frame is sampled {h} × {v} where another is sampled {maxH} × {maxV}: Portico upsamples only by whole factors.");
            }

            int width = count == 1 ? header.Columns : (int)(((long)header.Columns * h) + maxH - 1) / maxH;
            int height = count == 1 ? header.Rows : (int)(((long)header.Rows * v) + maxV - 1) / maxV;
            var component = new DctComponent(header.Components[c], h, v, header.QuantizationTables[c], width, height, count == 1 ? (width + 7) / 8 : mcusPerLine * h, count == 1 ? (height + 7) / 8 : mcuRows * v);
            if (component.QuantizationTable > 3)
            {
                throw new RenderingException($"Component {component.Id} of the {format.Name} frame uses quantization table {component.QuantizationTable}; T.81 allows 0 to 3.");
            }

            blocks += (long)component.ScanBlocksPerLine * component.ScanBlocksPerColumn;
            samples += (long)component.BlocksPerLine * component.BlocksPerColumn * 64;
            components[c] = component;
        }

        long bits = progressive ? blocks : 2 * blocks;
        if (bits > 8L * frameLength)
        {
            throw new RenderingException($"The {format.Name} frame holds {frameLength:N0} bytes, too few for the {blocks:N0} blocks of {header.Columns} × {header.Rows} × {count} samples its header claims.");
        }

        if (samples > Array.MaxLength)
        {
            throw new RenderingException($"The {format.Name} frame of {header.Columns} × {header.Rows} × {count} samples is too large to decode.");
        }

        var frame = new DctFrame(header, components, maxH, maxV, progressive);
        foreach (DctComponent component in components)
        {
            int size = component.BlocksPerLine * component.BlocksPerColumn * 64;
            component.Plane = ArrayPool<short>.Shared.Rent(size);
            if (progressive)
            {
                component.Coefficients = ArrayPool<short>.Shared.Rent(size);
                Array.Clear(component.Coefficients, 0, size);
            }
        }

        return frame;
    }

    /// <summary>
    /// Writes every component, upsampled to the frame's size, to <paramref name="output"/>: samples interleaved, each
    /// of <see cref="JpegFrameHeader.BytesPerSample"/> bytes (1, or 2 little endian).
    /// </summary>
    public void WriteOutput(byte[] output)
    {
        int columns = Header.Columns, count = Components.Length, bytes = Header.BytesPerSample;
        short[] row = ArrayPool<short>.Shared.Rent(columns + 8);
        int[] sums = ArrayPool<int>.Shared.Rent(columns + 8);
        try
        {
            for (int c = 0; c < count; c++)
            {
                DctComponent component = Components[c];
                int ratioH = count == 1 ? 1 : MaxHorizontal / component.Horizontal;
                int ratioV = count == 1 ? 1 : MaxVertical / component.Vertical;
                for (int y = 0; y < Header.Rows; y++)
                {
                    Span<short> samples = row.AsSpan(0, columns);
                    switch ((ratioH, ratioV))
                    {
                        case (1, 1):
                            component.Plane.AsSpan(y * component.Stride, columns).CopyTo(samples);
                            break;
                        case (2, 1):
                            UpsampleLine(component.Plane.AsSpan(y * component.Stride, component.Stride), component.Width, samples);
                            break;
                        case (2, 2):
                            UpsampleTwoLines(component, y, sums, samples);
                            break;
                        default:
                            Replicate(component, y / ratioV, ratioH, samples);
                            break;
                    }

                    Store(samples, output, (y * columns * count) + c, count, bytes);
                }
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(row);
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    /// <summary>
    /// A progressive frame at its end: every block's coefficients dequantized (T.81 §A.3.4) and transformed into the
    /// component's plane. A component no scan has reached has no table and stays 0 (refused before, at EOI).
    /// </summary>
    public void TransformCoefficients()
    {
        Span<int> block = stackalloc int[64];
        foreach (DctComponent component in Components)
        {
            int[] quantizer = component.Quantizer ?? new int[64];
            int blocks = component.BlocksPerLine * component.BlocksPerColumn;
            for (int b = 0; b < blocks; b++)
            {
                ReadOnlySpan<short> coefficients = component.Coefficients.AsSpan(b * 64, 64);
                bool acPresent = false;
                for (int i = 0; i < 64; i++)
                {
                    block[i] = coefficients[i] * quantizer[i];
                    acPresent |= i > 0 && coefficients[i] != 0;
                }

                int offset = ((b / component.BlocksPerLine) * 8 * component.Stride) + ((b % component.BlocksPerLine) * 8);
                if (acPresent)
                {
                    InverseDct.Transform(block, component.Plane, offset, component.Stride, Level, Max);
                }
                else
                {
                    InverseDct.TransformDc(block[0], component.Plane, offset, component.Stride, Level, Max);
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (DctComponent component in Components)
        {
            if (component.Plane.Length > 0)
            {
                ArrayPool<short>.Shared.Return(component.Plane);
                component.Plane = [];
            }

            if (component.Coefficients.Length > 0)
            {
                ArrayPool<short>.Shared.Return(component.Coefficients);
                component.Coefficients = [];
            }
        }
    }

    /// <summary>
    /// Doubles a line of <paramref name="width"/> samples: each input sample gives two outputs, 3/4 of it and 1/4 of
    /// its neighbour on that side (the first and last repeat themselves), rounding as libjpeg's h2v1 upsampler (1 and 2
    /// added alternately). A line of one sample takes its right neighbour from the block beyond it, as libjpeg does.
    /// </summary>
    private static void UpsampleLine(ReadOnlySpan<short> line, int width, Span<short> output)
    {
        for (int i = 0; i < width; i++)
        {
            int here = 3 * line[i];
            int left = line[i > 0 ? i - 1 : 0];
            int right = line[i + 1 < width ? i + 1 : width == 1 ? 1 : i];
            int at = 2 * i;
            if (at < output.Length)
            {
                output[at] = (short)((here + left + 1) >> 2);
            }

            if (at + 1 < output.Length)
            {
                output[at + 1] = (short)((here + right + 2) >> 2);
            }
        }
    }

    /// <summary>
    /// Output line <paramref name="y"/> of a component of half the width and height: each column 3/4 of the nearer line
    /// and 1/4 of the farther (the line above for an even output line, below for an odd one, the edges repeated), then
    /// across as <see cref="UpsampleLine"/>, rounding as libjpeg's h2v2 upsampler (8 and 7 added alternately, of 16).
    /// </summary>
    private static void UpsampleTwoLines(DctComponent component, int y, int[] sums, Span<short> output)
    {
        int near = y / 2;
        int far = Math.Clamp(y % 2 == 0 ? near - 1 : near + 1, 0, component.Height - 1);
        ReadOnlySpan<short> nearLine = component.Plane.AsSpan(near * component.Stride, component.Stride);
        ReadOnlySpan<short> farLine = component.Plane.AsSpan(far * component.Stride, component.Stride);
        int width = component.Width;
        int columns = Math.Min(width + 1, component.Stride);
        for (int i = 0; i < columns; i++)
        {
            sums[i] = (3 * nearLine[i]) + farLine[i];
        }

        for (int i = 0; i < width; i++)
        {
            int here = 3 * sums[i];
            int left = sums[i > 0 ? i - 1 : 0];
            int right = sums[i + 1 < width ? i + 1 : width == 1 ? 1 : i];
            int at = 2 * i;
            if (at < output.Length)
            {
                output[at] = (short)((here + left + 8) >> 4);
            }

            if (at + 1 < output.Length)
            {
                output[at + 1] = (short)((here + right + 7) >> 4);
            }
        }
    }

    /// <summary>Line <paramref name="line"/> of the component, each sample repeated <paramref name="ratio"/> times.</summary>
    private static void Replicate(DctComponent component, int line, int ratio, Span<short> output)
    {
        ReadOnlySpan<short> input = component.Plane.AsSpan(line * component.Stride, component.Stride);
        for (int x = 0; x < output.Length; x++)
        {
            output[x] = input[x / ratio];
        }
    }

    /// <summary>Writes <paramref name="samples"/> to every <paramref name="step"/>th sample of <paramref name="output"/> from <paramref name="first"/>.</summary>
    private static void Store(ReadOnlySpan<short> samples, byte[] output, int first, int step, int bytes)
    {
        if (bytes == 1)
        {
            if (step == 1)
            {
                // Samples are 0 to 255 here: narrowing keeps them.
                Span<byte> target = output.AsSpan(first, samples.Length);
                int x = 0;
                for (; x + 16 <= samples.Length; x += 16)
                {
                    Vector128.Narrow(Vector128.Create(samples.Slice(x, 8)), Vector128.Create(samples.Slice(x + 8, 8))).AsByte().CopyTo(target[x..]);
                }

                for (; x < samples.Length; x++)
                {
                    target[x] = (byte)samples[x];
                }

                return;
            }

            for (int x = 0, i = first; x < samples.Length; x++, i += step)
            {
                output[i] = (byte)samples[x];
            }

            return;
        }

        Span<ushort> words = MemoryMarshal.Cast<byte, ushort>(output.AsSpan());
        for (int x = 0, i = first; x < samples.Length; x++, i += step)
        {
            ushort value = (ushort)samples[x];
            words[i] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
        }
    }
}
