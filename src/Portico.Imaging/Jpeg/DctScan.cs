namespace Portico.Imaging.Jpeg;

/// <summary>
/// One scan of a DCT frame (T.81 §B.2.3): the frame indexes of its components, their DC and AC Huffman tables (null
/// where the scan codes none), their quantization tables, and for a progressive scan its spectral selection Ss to Se
/// and successive approximation Ah, Al (§G.1.1).
/// </summary>
internal sealed class DctScan(int[] components, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, int[][] quantizers, int start, int end, int high, int low)
{
    /// <summary>T.81 Figure A.6: the zig-zag order, the natural (row-major) index of each coefficient in coded order.</summary>
    public static ReadOnlySpan<byte> ZigZag =>
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    public int[] Components { get; } = components;

    public JpegHuffmanTable?[] Dc { get; } = dc;

    public JpegHuffmanTable?[] Ac { get; } = ac;

    public int[][] Quantizers { get; } = quantizers;

    /// <summary>Ss: the first coefficient of the band, in zig-zag order.</summary>
    public int Start { get; } = start;

    /// <summary>Se: the last coefficient of the band.</summary>
    public int End { get; } = end;

    /// <summary>Ah: the point transform of the scan before (0 for a first scan).</summary>
    public int High { get; } = high;

    /// <summary>Al: the point transform, the bit of the coefficients this scan codes.</summary>
    public int Low { get; } = low;
}
