using System.Buffers.Binary;

namespace Portico.Imaging;

/// <summary>
/// A frame header (SOF0, SOF1, SOF2, SOF3 or SOF55) checked against the layout: its sizes, the component ids, sampling
/// factors and quantization tables in frame order, and the bytes of each output sample (Bits Allocated / 8); and which
/// components a scan has decoded so far.
/// </summary>
internal sealed record JpegFrameHeader(int Precision, int Rows, int Columns, byte[] Components, int BytesPerSample)
{
    /// <summary>Each component's sampling factors H (high 4 bits) and V (low 4 bits), in frame order.</summary>
    public byte[] SamplingFactors { get; init; } = [];

    /// <summary>Each component's quantization table selector Tq, in frame order (DCT processes).</summary>
    public byte[] QuantizationTables { get; init; } = [];

    /// <summary>Which components (in frame order) a scan has decoded so far.</summary>
    public bool[] Decoded { get; } = new bool[Components.Length];

    /// <summary>
    /// T.81 §B.2.2 and T.87 §C.2.2: P, Y, X, Nf, then per component its id, sampling factors H and V, and Tq. The
    /// header must agree with <paramref name="layout"/>, and a stream of <paramref name="frameLength"/> bytes must be able
    /// to hold what it claims, before anything is allocated for it.
    /// </summary>
    public static JpegFrameHeader Read(ReadOnlySpan<byte> segment, PixelLayout layout, int frameLength, JpegFormat format)
    {
        if (segment.Length < 6 || segment[5] == 0 || segment.Length != 6 + (3 * segment[5]))
        {
            throw new RenderingException($"The frame header ({format.FrameMarker}) of the {format.Name} frame is malformed: its length does not match its component count.");
        }

        int precision = segment[0];
        int rows = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
        int columns = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
        int count = segment[5];
        format.CheckPrecision(precision);

        format.CheckDimensions(rows, columns);
        if (count != layout.SamplesPerPixel)
        {
            throw new RenderingException($"The {format.Name} frame has {count} component{(count == 1 ? "" : "s")}; the data set says {layout.SamplesPerPixel} sample{(layout.SamplesPerPixel == 1 ? "" : "s")} per pixel.");
        }

        if (rows != layout.Rows || columns != layout.Columns)
        {
            throw new RenderingException($"The {format.Name} frame is {columns} × {rows} pixels; the data set says {layout.Columns} × {layout.Rows} (Columns × Rows).");
        }

        if (precision > layout.BitsAllocated)
        {
            throw new RenderingException($"The {format.Name} frame has samples of {precision} bits; Bits Allocated is {layout.BitsAllocated}.");
        }

        var ids = new byte[count];
        var factors = new byte[count];
        var quantization = new byte[count];
        for (int c = 0; c < count; c++)
        {
            ReadOnlySpan<byte> component = segment.Slice(6 + (3 * c), 3);
            int h = component[1] >> 4, v = component[1] & 0x0F;
            if (h is < 1 or > 4 || v is < 1 or > 4)
            {
                throw new RenderingException($"Component {component[0]} of the {format.Name} frame has sampling factors {h} × {v}; {format.Standard} allows 1 to 4.");
            }

            // A lone component's factors change nothing (its size is the image's, T.81 §A.1.1); with several, they subsample.
            if (count > 1 && (h, v) != (1, 1) && !format.Subsampling)
            {
                throw new RenderingException($"Component {component[0]} of the {format.Name} frame is sampled {h} × {v}; Portico decodes colour {format.Name} only with every component sampled 1 × 1.");
            }

            if (ids.AsSpan(0, c).Contains(component[0]))
            {
                throw new RenderingException($"The {format.Name} frame has two components with id {component[0]}.");
            }

            ids[c] = component[0];
            factors[c] = component[1];
            quantization[c] = component[2];
        }

        format.CheckStreamLength(rows, columns, count, frameLength);
        if (layout.FrameBytes > Array.MaxLength)
        {
            throw new RenderingException($"{layout.Rows} × {layout.Columns} pixels of {count} samples are too many to decode.");
        }

        return new JpegFrameHeader(precision, rows, columns, ids, layout.BitsAllocated / 8)
        {
            SamplingFactors = factors,
            QuantizationTables = quantization,
        };
    }

    /// <summary>
    /// The frame index of the component <paramref name="id"/> that a scan names after those it named before
    /// (<paramref name="earlier"/>): one the frame defines and no scan has had.
    /// </summary>
    public int ScanComponent(byte id, ReadOnlySpan<int> earlier, JpegFormat format)
    {
        int index = Array.IndexOf(Components, id);
        if (index < 0)
        {
            throw new RenderingException($"A scan of the {format.Name} frame names component {id}, which its frame header does not define.");
        }

        if (Decoded[index] || earlier.Contains(index))
        {
            throw new RenderingException($"Component {id} of the {format.Name} frame is in more than one scan.");
        }

        return index;
    }

    /// <summary>Marks the scan's components (frame indexes) decoded.</summary>
    public void MarkDecoded(int[] components)
    {
        foreach (int index in components)
        {
            Decoded[index] = true;
        }
    }

    /// <summary>At EOI: refuses a frame of which a component has had no scan.</summary>
    public void CheckAllDecoded(JpegFormat format)
    {
        int missing = Array.IndexOf(Decoded, false);
        if (missing >= 0)
        {
            throw new RenderingException($"The {format.Name} frame ends (EOI) before a scan of its component {Components[missing]}: a scan is missing.");
        }
    }
}
