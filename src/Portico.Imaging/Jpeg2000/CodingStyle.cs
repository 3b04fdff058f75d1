namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// How one component of a tile is coded: the SPcod/SPcoc fields of a COD or COC marker segment (T.800 §A.6.1,
/// §A.6.2): decomposition levels, code-block size and style, wavelet, and precinct sizes per resolution.
/// </summary>
internal sealed class CodingStyle
{
    /// <summary>Code-block style bit 0 (T.800 Table A.19): selective arithmetic coding bypass (lazy).</summary>
    public const int Bypass = 0x01;

    /// <summary>Bit 1: the contexts are reset at the end of each coding pass.</summary>
    public const int Reset = 0x02;

    /// <summary>Bit 2: every coding pass is terminated (a codeword segment of its own).</summary>
    public const int TerminateAll = 0x04;

    /// <summary>Bit 3: vertically causal context formation.</summary>
    public const int VerticallyCausal = 0x08;

    /// <summary>Bit 4: predictable termination (nothing for the decoder to do).</summary>
    public const int Predictable = 0x10;

    /// <summary>Bit 5: segmentation symbols at the end of each cleanup pass.</summary>
    public const int Segmentation = 0x20;

    /// <summary>NL: decomposition levels, 0 to 32.</summary>
    public int Levels { get; init; }

    /// <summary>The code-block width and height exponents (xcb, ycb), 2 to 10, their sum at most 12.</summary>
    public int CodeBlockWidthExponent { get; init; }

    public int CodeBlockHeightExponent { get; init; }

    public int CodeBlockStyle { get; init; }

    /// <summary>The 5/3 reversible wavelet (transform 1); otherwise the 9/7 irreversible (transform 0).</summary>
    public bool Reversible { get; init; }

    /// <summary>Per resolution level, PPx in the low 4 bits and PPy in the high 4 (T.800 Table A.21); 15 and 15 by default.</summary>
    public required byte[] PrecinctExponents { get; init; }

    /// <summary>
    /// Reads SPcod or SPcoc at <paramref name="offset"/> of <paramref name="segment"/>; <paramref name="precincts"/> is
    /// bit 0 of Scod or Scoc (precinct sizes follow). <paramref name="name"/> names the marker in messages.
    /// </summary>
    public static CodingStyle Read(ReadOnlySpan<byte> segment, int offset, bool precincts, string name)
    {
        if (segment.Length < offset + 5)
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream is too short ({segment.Length} bytes).");
        }

        int levels = segment[offset];
        if (levels > 32)
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream has {levels} decomposition levels; T.800 allows at most 32.");
        }

        int xcb = segment[offset + 1] + 2, ycb = segment[offset + 2] + 2;
        if (xcb > 10 || ycb > 10 || xcb + ycb > 12)
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream has code-blocks of 2^{xcb} × 2^{ycb} samples; T.800 §A.6.1 allows exponents up to 10 and at most 4,096 samples.");
        }

        int style = segment[offset + 3];
        if ((style & 0xC0) != 0)
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream has code-block style {style:X2}, with bits T.800 Part 1 does not define (HTJ2K, Part 15, is not supported).");
        }

        int transform = segment[offset + 4];
        if (transform > 1)
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream uses wavelet transform {transform}; Part 1 defines 0 (9/7 irreversible) and 1 (5/3 reversible).");
        }

        var exponents = new byte[levels + 1];
        if (precincts)
        {
            if (segment.Length < offset + 5 + levels + 1)
            {
                throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream is too short for the precinct sizes of its {levels + 1} resolution levels.");
            }

            // T.800 §A.6.1 allows PPx, PPy of 0 only at level 0; OpenJPEG writes them above too. A
            // subband's precincts are then taken as 1 sample (PPx − 1 would be −1).
            segment.Slice(offset + 5, levels + 1).CopyTo(exponents);
        }
        else
        {
            exponents.AsSpan().Fill(0xFF);
        }

        return new CodingStyle
        {
            Levels = levels,
            CodeBlockWidthExponent = xcb,
            CodeBlockHeightExponent = ycb,
            CodeBlockStyle = style,
            Reversible = transform == 1,
            PrecinctExponents = exponents,
        };
    }
}
