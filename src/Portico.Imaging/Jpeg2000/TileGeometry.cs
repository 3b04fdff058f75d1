namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// A component of a tile (T.800 §B.3) on the component's own grid: its resolution levels (§B.5), their subbands (§B.5),
/// precincts (§B.6) and code-blocks (§B.7). Coordinates are absolute, as the standard defines them; the coefficients of
/// the whole tile-component lie in one buffer, each resolution's subbands in its top-left corner (LL, HL to the right,
/// LH below, HH diagonally), which is where the inverse wavelet transform of the next level expects them.
/// </summary>
internal sealed class TileComponent
{
    public TileComponent(int x0, int y0, int x1, int y1, ComponentInfo info, CodingStyle style, Quantization quantization, int roiShift)
    {
        X0 = x0;
        Y0 = y0;
        X1 = x1;
        Y1 = y1;
        Info = info;
        Style = style;
        int levels = style.Levels;
        Resolutions = new Resolution[levels + 1];
        for (int r = 0; r <= levels; r++)
        {
            int shift = levels - r;
            var resolution = new Resolution(
                CeilShift(x0, shift), CeilShift(y0, shift), CeilShift(x1, shift), CeilShift(y1, shift),
                r, style.PrecinctExponents[r] & 0x0F, style.PrecinctExponents[r] >> 4);
            Resolutions[r] = resolution;
            int guard = quantization.GuardBits;
            if (r == 0)
            {
                resolution.Bands = [Subband(resolution, 0, 0, resolution.X0, resolution.Y0, resolution.X1, resolution.Y1, 0, 0)];
            }
            else
            {
                int lowX0 = CeilShift(resolution.X0, 1), lowY0 = CeilShift(resolution.Y0, 1);
                int lowX1 = CeilShift(resolution.X1, 1), lowY1 = CeilShift(resolution.Y1, 1);
                int highX0 = resolution.X0 >> 1, highY0 = resolution.Y0 >> 1, highX1 = resolution.X1 >> 1, highY1 = resolution.Y1 >> 1;
                int lowWidth = lowX1 - lowX0, lowHeight = lowY1 - lowY0;
                resolution.Bands =
                [
                    Subband(resolution, 1, (3 * (r - 1)) + 1, highX0, lowY0, highX1, lowY1, lowWidth, 0),
                    Subband(resolution, 2, (3 * (r - 1)) + 2, lowX0, highY0, lowX1, highY1, 0, lowHeight),
                    Subband(resolution, 3, (3 * (r - 1)) + 3, highX0, highY0, highX1, highY1, lowWidth, lowHeight),
                ];
            }

            Band Subband(Resolution resolution, int orientation, int index, int bx0, int by0, int bx1, int by1, int bufferX, int bufferY)
            {
                (int exponent, int mantissa) = quantization.Of(index, resolution.Level, levels);
                int bitPlanes = guard + exponent - 1 + roiShift;
                if (bitPlanes > 30)
                {
                    throw new RenderingException($"A subband of the JPEG 2000 codestream has {bitPlanes} bit-planes (guard bits, exponent and region of interest shift); Portico decodes up to 30.");
                }

                // T.800 Equation E.3: Δb = 2^(Rb − εb) · (1 + μb / 2^11), Rb the precision plus the subband's gain (log2 of 1, 2 or 4).
                int gain = orientation == 0 ? 0 : orientation == 3 ? 2 : 1;
                float step = quantization.Style == Quantization.None
                    ? 1f
                    : (float)((1.0 + (mantissa / 2048.0)) * Math.Pow(2.0, info.Precision + gain - exponent));
                int precinctX = resolution.Level == 0 ? resolution.PrecinctExponentX : Math.Max(0, resolution.PrecinctExponentX - 1);
                int precinctY = resolution.Level == 0 ? resolution.PrecinctExponentY : Math.Max(0, resolution.PrecinctExponentY - 1);
                return new Band
                {
                    Orientation = orientation,
                    X0 = bx0,
                    Y0 = by0,
                    X1 = bx1,
                    Y1 = by1,
                    BufferX = bufferX,
                    BufferY = bufferY,
                    BitPlanes = Math.Max(0, bitPlanes),
                    Step = step,
                    PrecinctExponentX = precinctX,
                    PrecinctExponentY = precinctY,
                    CodeBlockExponentX = Math.Min(style.CodeBlockWidthExponent, precinctX),
                    CodeBlockExponentY = Math.Min(style.CodeBlockHeightExponent, precinctY),
                };
            }
        }

        RoiShift = roiShift;
    }

    public int X0 { get; }

    public int Y0 { get; }

    public int X1 { get; }

    public int Y1 { get; }

    public int Width => X1 - X0;

    public int Height => Y1 - Y0;

    public ComponentInfo Info { get; }

    public CodingStyle Style { get; }

    public int RoiShift { get; }

    public Resolution[] Resolutions { get; }

    /// <summary>⌈value / 2^shift⌉ for value ≥ 0 and shift up to 32.</summary>
    public static int CeilShift(int value, int shift) => (int)(((long)value + (1L << shift) - 1) >> shift);

    /// <summary>The number of precincts of all resolutions of this component, allocating nothing.</summary>
    public long PrecinctCount()
    {
        long count = 0;
        foreach (Resolution resolution in Resolutions)
        {
            count += (long)resolution.PrecinctsAcross * resolution.PrecinctsDown;
        }

        return count;
    }
}

/// <summary>A resolution level r of a tile-component (T.800 §B.5): its area, precinct partition (§B.6) and subbands.</summary>
internal sealed class Resolution
{
    public Resolution(int x0, int y0, int x1, int y1, int level, int precinctExponentX, int precinctExponentY)
    {
        X0 = x0;
        Y0 = y0;
        X1 = x1;
        Y1 = y1;
        Level = level;
        PrecinctExponentX = precinctExponentX;
        PrecinctExponentY = precinctExponentY;
        if (x1 > x0 && y1 > y0)
        {
            FirstPrecinctX = x0 >> precinctExponentX;
            FirstPrecinctY = y0 >> precinctExponentY;
            PrecinctsAcross = TileComponent.CeilShift(x1, precinctExponentX) - FirstPrecinctX;
            PrecinctsDown = TileComponent.CeilShift(y1, precinctExponentY) - FirstPrecinctY;
        }
    }

    public int X0 { get; }

    public int Y0 { get; }

    public int X1 { get; }

    public int Y1 { get; }

    public int Level { get; }

    public int PrecinctExponentX { get; }

    public int PrecinctExponentY { get; }

    /// <summary>The index on the precinct grid (anchored at 0) of the first precinct across and down.</summary>
    public int FirstPrecinctX { get; }

    public int FirstPrecinctY { get; }

    public int PrecinctsAcross { get; }

    public int PrecinctsDown { get; }

    public Band[] Bands { get; set; } = [];

    /// <summary>The precincts, created when their first packet is read.</summary>
    public Precinct?[] Precincts { get; set; } = [];

    /// <summary>Per precinct, the layer of its next packet.</summary>
    public int[] NextLayer { get; set; } = [];
}

/// <summary>A subband (T.800 §B.5): orientation 0 LL, 1 HL, 2 LH, 3 HH; its area in absolute coordinates and in the buffer.</summary>
internal sealed class Band
{
    public int Orientation { get; init; }

    public int X0 { get; init; }

    public int Y0 { get; init; }

    public int X1 { get; init; }

    public int Y1 { get; init; }

    public int BufferX { get; init; }

    public int BufferY { get; init; }

    /// <summary>Mb (T.800 Equation E.2) plus the region of interest shift: the most bit-planes a code-block can have.</summary>
    public int BitPlanes { get; init; }

    /// <summary>The quantisation step Δb (1 for reversible coding).</summary>
    public float Step { get; init; }

    /// <summary>The precinct size in this subband's coordinates (PPx, PPy, less one above resolution 0).</summary>
    public int PrecinctExponentX { get; init; }

    public int PrecinctExponentY { get; init; }

    /// <summary>The code-block size: COD's, but no larger than the precinct (T.800 Equation B.17).</summary>
    public int CodeBlockExponentX { get; init; }

    public int CodeBlockExponentY { get; init; }
}

/// <summary>A precinct (T.800 §B.6): its part of each subband of its resolution.</summary>
internal sealed class Precinct(PrecinctBand[] bands)
{
    public PrecinctBand[] Bands { get; } = bands;
}

/// <summary>The code-blocks of one subband inside one precinct, with their inclusion and zero bit-plane tag trees (T.800 §B.10.2).</summary>
internal sealed class PrecinctBand
{
    public PrecinctBand(Band band, int x0, int y0, int x1, int y1)
    {
        Band = band;
        if (x1 > x0 && y1 > y0)
        {
            FirstX = x0 >> band.CodeBlockExponentX;
            FirstY = y0 >> band.CodeBlockExponentY;
            Across = TileComponent.CeilShift(x1, band.CodeBlockExponentX) - FirstX;
            Down = TileComponent.CeilShift(y1, band.CodeBlockExponentY) - FirstY;
            Inclusion = new TagTree(Across, Down);
            ZeroBitPlanes = new TagTree(Across, Down);
            Blocks = new CodeBlock?[Across * Down];
        }

        X0 = x0;
        Y0 = y0;
        X1 = x1;
        Y1 = y1;
    }

    public Band Band { get; }

    public int X0 { get; }

    public int Y0 { get; }

    public int X1 { get; }

    public int Y1 { get; }

    /// <summary>The index on the code-block grid (anchored at 0) of the first code-block across and down.</summary>
    public int FirstX { get; }

    public int FirstY { get; }

    public int Across { get; }

    public int Down { get; }

    public TagTree? Inclusion { get; }

    public TagTree? ZeroBitPlanes { get; }

    /// <summary>The code-blocks in raster order, created when first included.</summary>
    public CodeBlock?[] Blocks { get; } = [];

    public CodeBlock CreateBlock(int index)
    {
        int gx = FirstX + (index % Across), gy = FirstY + (index / Across);
        int w = 1 << Band.CodeBlockExponentX, h = 1 << Band.CodeBlockExponentY;
        return new CodeBlock(
            Math.Max(X0, gx * w), Math.Max(Y0, gy * h), Math.Min(X1, (gx + 1) * w), Math.Min(Y1, (gy + 1) * h));
    }
}

/// <summary>A code-block (T.800 §B.7) and what the packet headers said of it: its bit-planes, passes, segments and data.</summary>
internal sealed class CodeBlock(int x0, int y0, int x1, int y1)
{
    public int X0 { get; } = x0;

    public int Y0 { get; } = y0;

    public int X1 { get; } = x1;

    public int Y1 { get; } = y1;

    public bool Included { get; set; }

    public int ZeroBitPlanes { get; set; }

    /// <summary>Lblock (T.800 §B.10.7.1): 3 at first inclusion, raised by the headers.</summary>
    public int LengthBits { get; set; } = 3;

    public int Passes { get; set; }

    public List<CodeBlockSegment> Segments { get; } = [];

    /// <summary>Where its data lies in the tile's data: one range per packet that included it.</summary>
    public List<(int Start, int Length)> Chunks { get; } = [];

    public int DataLength { get; set; }
}
