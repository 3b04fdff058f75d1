using System.Runtime.Intrinsics;

namespace Portico.Imaging.Jpeg;

/// <summary>
/// The 8 × 8 inverse DCT of T.81 §A.3.3, computed in single precision as the separable sum it is (no fast
/// factorisation, so no approximation beyond float rounding), then level-shifted (§A.3.1), rounded to the nearest
/// integer and clamped to the samples' range. IJG's accurate integer IDCT (JDCT_ISLOW, what DCMTK's dcmdjpeg uses)
/// approximates the same sum; the two agree within ±1, the accuracy T.81 (Annex A, IEEE 1180) asks of a decoder.
/// </summary>
internal static class InverseDct
{
    /// <summary>[u × 8 + x]: C(u)/2 × cos((2x + 1)uπ/16), C(0) = 1/√2, else 1 (T.81 §A.3.3).</summary>
    private static readonly float[] Basis = CreateBasis();

    /// <summary>Row u of <see cref="Basis"/> as a vector over x.</summary>
    private static readonly Vector256<float>[] BasisRows = [.. Enumerable.Range(0, 8).Select(u => Vector256.Create(Basis.AsSpan(u * 8, 8)))];

    /// <summary>
    /// Transforms the dequantized <paramref name="coefficients"/> (natural order, row v of 8 at v × 8) into the 8 × 8
    /// samples at <paramref name="offset"/> of <paramref name="plane"/>, rows <paramref name="stride"/> apart: each plus
    /// <paramref name="level"/> (2^(P-1)), rounded and clamped to 0..<paramref name="max"/>.
    /// </summary>
    public static void Transform(ReadOnlySpan<int> coefficients, Span<short> plane, int offset, int stride, int level, int max)
    {
        ReadOnlySpan<float> basis = Basis;
        ReadOnlySpan<Vector256<float>> basisRows = BasisRows;
        Span<Vector256<float>> rows = stackalloc Vector256<float>[8];

        // Horizontal pass: row v of the coefficients becomes a row of 8 values over x; rows of zeros are noted and skipped.
        int used = 0;
        for (int v = 0; v < 8; v++)
        {
            ReadOnlySpan<int> row = coefficients.Slice(v * 8, 8);
            Vector256<float> sum = Vector256<float>.Zero;
            for (int u = 0; u < 8; u++)
            {
                if (row[u] != 0)
                {
                    sum += basisRows[u] * row[u];
                    used |= 1 << v;
                }
            }

            rows[v] = sum;
        }

        Vector256<float> shift = Vector256.Create(level + 0.5f);
        Vector256<int> high = Vector256.Create(max);
        for (int y = 0; y < 8; y++)
        {
            // Vertical pass: sample row y is the sum over v of row v times C(v)/2 cos((2y + 1)vπ/16).
            Vector256<float> sum = shift;
            for (int v = 0; v < 8; v++)
            {
                if ((used & (1 << v)) != 0)
                {
                    sum += rows[v] * basis[(v * 8) + y];
                }
            }

            Vector256<int> samples = Vector256.ConvertToInt32(Vector256.Floor(sum));
            samples = Vector256.Min(Vector256.Max(samples, Vector256<int>.Zero), high);
            Vector128.Narrow(samples.GetLower(), samples.GetUpper()).CopyTo(plane.Slice(offset + (y * stride), 8));
        }
    }

    /// <summary>A block of which only the DC coefficient is not 0: every sample is DC/8 plus the level, rounded and clamped.</summary>
    public static void TransformDc(int dc, Span<short> plane, int offset, int stride, int level, int max)
    {
        short value = (short)Math.Clamp((int)MathF.Floor((dc / 8f) + level + 0.5f), 0, max);
        for (int y = 0; y < 8; y++)
        {
            plane.Slice(offset + (y * stride), 8).Fill(value);
        }
    }

    private static float[] CreateBasis()
    {
        var basis = new float[64];
        for (int u = 0; u < 8; u++)
        {
            double scale = u == 0 ? Math.Sqrt(0.5) / 2 : 0.5;
            for (int x = 0; x < 8; x++)
            {
                basis[(u * 8) + x] = (float)(scale * Math.Cos(((2 * x) + 1) * u * Math.PI / 16));
            }
        }

        return basis;
    }
}
