using System.Buffers.Binary;

namespace Portico.Imaging.Jpeg2000;

/// <summary>The quantisation of one component: a QCD or QCC marker segment (T.800 §A.6.4, §A.6.5).</summary>
internal sealed class Quantization
{
    /// <summary>Sqcd style 0: no quantisation (reversible), an exponent per subband.</summary>
    public const int None = 0;

    /// <summary>Style 1: scalar derived, one exponent and mantissa for LL, the others derived (T.800 Equation E.5).</summary>
    public const int ScalarDerived = 1;

    /// <summary>Style 2: scalar expounded, an exponent and mantissa per subband.</summary>
    public const int ScalarExpounded = 2;

    public int Style { get; init; }

    public int GuardBits { get; init; }

    /// <summary>ε per subband, in the order LL, then HL, LH, HH of each decomposition level from the lowest resolution.</summary>
    public required int[] Exponents { get; init; }

    /// <summary>μ per subband (11 bits), in the same order; zeros for style 0.</summary>
    public required int[] Mantissas { get; init; }

    /// <summary>Reads Sqcd/Sqcc and what follows at <paramref name="offset"/> of <paramref name="segment"/>.</summary>
    public static Quantization Read(ReadOnlySpan<byte> segment, int offset, string name)
    {
        if (segment.Length < offset + 2)
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream is too short ({segment.Length} bytes).");
        }

        int style = segment[offset] & 0x1F, guard = segment[offset] >> 5;
        ReadOnlySpan<byte> values = segment[(offset + 1)..];
        int count;
        switch (style)
        {
            case None:
                count = values.Length;
                break;
            case ScalarDerived:
                count = 1;
                break;
            case ScalarExpounded:
                if (values.Length % 2 != 0)
                {
                    throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream has an odd number of bytes of step sizes.");
                }

                count = values.Length / 2;
                break;
            default:
                throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream has quantisation style {style}; T.800 Table A.28 defines 0, 1 and 2.");
        }

        if (count == 0 || count > (3 * 32) + 1 || (style == ScalarDerived && values.Length < 2))
        {
            throw new RenderingException($"The {name} marker segment of the JPEG 2000 codestream has {values.Length} bytes of step sizes, which fit no number of subbands.");
        }

        var exponents = new int[count];
        var mantissas = new int[count];
        for (int b = 0; b < count; b++)
        {
            if (style == None)
            {
                exponents[b] = values[b] >> 3;
            }
            else
            {
                int value = BinaryPrimitives.ReadUInt16BigEndian(values[(2 * b)..]);
                exponents[b] = value >> 11;
                mantissas[b] = value & 0x7FF;
            }
        }

        return new Quantization { Style = style, GuardBits = guard, Exponents = exponents, Mantissas = mantissas };
    }

    /// <summary>
    /// ε and μ of subband <paramref name="band"/> (0: LL; 3(r−1)+1..3: HL, LH, HH of resolution r) in a component of
    /// <paramref name="levels"/> decomposition levels.
    /// </summary>
    public (int Exponent, int Mantissa) Of(int band, int resolution, int levels)
    {
        if (Style == ScalarDerived)
        {
            // T.800 Equation E.5: ε_b = ε_0 − NL + n_b, where n_b is the decomposition level of the subband.
            int decomposition = resolution == 0 ? levels : levels - resolution + 1;
            return (Exponents[0] - levels + decomposition, Mantissas[0]);
        }

        if (band >= Exponents.Length)
        {
            throw new RenderingException($"The JPEG 2000 codestream gives step sizes for {Exponents.Length} subbands, fewer than its {(3 * levels) + 1} subbands need.");
        }

        return (Exponents[band], Mantissas[band]);
    }
}
