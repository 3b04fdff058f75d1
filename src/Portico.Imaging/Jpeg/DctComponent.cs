namespace Portico.Imaging.Jpeg;

/// <summary>
/// One component of a DCT frame (T.81 §A.1.1): its sampling factors, its size in samples, its blocks (as many as whole
/// MCUs of an interleaved scan cover), and the plane its samples are decoded into, one row of blocks after another.
/// </summary>
internal sealed class DctComponent
{
    public DctComponent(int id, int horizontal, int vertical, int quantizationTable, int width, int height, int blocksPerLine, int blocksPerColumn)
    {
        Id = id;
        Horizontal = horizontal;
        Vertical = vertical;
        QuantizationTable = quantizationTable;
        Width = width;
        Height = height;
        BlocksPerLine = blocksPerLine;
        BlocksPerColumn = blocksPerColumn;
    }

    public int Id { get; }

    /// <summary>H: blocks across in an MCU of an interleaved scan.</summary>
    public int Horizontal { get; }

    /// <summary>V: blocks down in an MCU of an interleaved scan.</summary>
    public int Vertical { get; }

    /// <summary>Tq: the quantization table the component's blocks are dequantized with.</summary>
    public int QuantizationTable { get; }

    /// <summary>xi = ⌈X × H / Hmax⌉ (T.81 §A.1.1): samples per line.</summary>
    public int Width { get; }

    /// <summary>yi = ⌈Y × V / Vmax⌉: lines.</summary>
    public int Height { get; }

    /// <summary>Blocks per line of the plane: ⌈xi / 8⌉ rounded up to whole MCUs.</summary>
    public int BlocksPerLine { get; }

    /// <summary>Rows of blocks of the plane: ⌈yi / 8⌉ rounded up to whole MCUs.</summary>
    public int BlocksPerColumn { get; }

    /// <summary>Samples per line of the plane.</summary>
    public int Stride => BlocksPerLine * 8;

    /// <summary>Blocks of a scan of this component alone (T.81 §A.2.2): ⌈xi / 8⌉ across.</summary>
    public int ScanBlocksPerLine => (Width + 7) / 8;

    /// <summary>Rows of blocks of a scan of this component alone: ⌈yi / 8⌉.</summary>
    public int ScanBlocksPerColumn => (Height + 7) / 8;

    /// <summary>The decoded samples, <see cref="Stride"/> per line; rented when the frame is set up.</summary>
    public short[] Plane { get; set; } = [];

    /// <summary>A progressive frame's coefficients, 64 per block in natural order, <see cref="BlocksPerLine"/> blocks per row; empty otherwise.</summary>
    public short[] Coefficients { get; set; } = [];

    /// <summary>A progressive frame's quantization table, as the component's first scan found it.</summary>
    public int[]? Quantizer { get; set; }

    /// <summary>A progressive frame: a scan has coded the component's DC coefficients first (the scan it cannot go without).</summary>
    public bool HasFirstDcScan { get; set; }

    /// <summary>The DC prediction (T.81 §F.2.1.3.1): the previous block's DC, 0 at the start of a scan or restart interval.</summary>
    public int DcPrediction { get; set; }
}
