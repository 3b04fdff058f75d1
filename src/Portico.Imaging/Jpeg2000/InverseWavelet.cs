using System.Buffers;
using System.Numerics;

namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// The inverse discrete wavelet transform of a tile-component (T.800 Annex F), level by level from the lowest
/// resolution: the four subbands interleaved, then each row (HOR_SR) and each column (VER_SR) filtered by lifting with
/// whole-sample symmetric extension: the 5/3 reversible filter in integers (§F.3.8.1), the 9/7 irreversible in floats
/// (§F.3.8.2). Columns are filtered a whole row at a time, which keeps memory access sequential.
/// </summary>
internal static class InverseWavelet
{
    // T.800 Table F.4: the lifting parameters of the 9/7 filter and its scaling K.
    private const float Alpha = -1.586134342059924f;
    private const float Beta = -0.052980118572961f;
    private const float Gamma = 0.882911075530934f;
    private const float Delta = 0.443506852043971f;
    private const float K = 1.230174104914001f;
    private const float InverseK = (float)(1 / 1.230174104914001);

    public static void Reversible(TileComponent component, int[] data)
    {
        int stride = component.Width;
        int most = Math.Max(component.Width, component.Height);
        int[] line = ArrayPool<int>.Shared.Rent(Math.Max(1, most));
        int[] rows = ArrayPool<int>.Shared.Rent(Math.Max(1, component.Width * component.Height));
        try
        {
            for (int r = 1; r < component.Resolutions.Length; r++)
            {
                Resolution resolution = component.Resolutions[r];
                int width = resolution.X1 - resolution.X0, height = resolution.Y1 - resolution.Y0;
                if (width == 0 || height == 0)
                {
                    continue;
                }

                int lowWidth = TileComponent.CeilShift(resolution.X1, 1) - TileComponent.CeilShift(resolution.X0, 1);
                int lowHeight = TileComponent.CeilShift(resolution.Y1, 1) - TileComponent.CeilShift(resolution.Y0, 1);
                int oddX = resolution.X0 & 1, oddY = resolution.Y0 & 1;
                Span<int> x = line.AsSpan(0, width);
                for (int j = 0; j < height; j++)
                {
                    Span<int> row = data.AsSpan(j * stride, width);
                    Interleave(row, x, lowWidth, oddX);
                    Lift53(x, oddX);
                    x.CopyTo(row);
                }

                // The columns: rows interleaved into the scratch buffer, lifted a row at a time, copied back.
                for (int k = 0; k < height; k++)
                {
                    int source = ((k + oddY) & 1) == 0 ? (k - oddY) >> 1 : lowHeight + ((k - (1 - oddY)) >> 1);
                    data.AsSpan(source * stride, width).CopyTo(rows.AsSpan(k * width, width));
                }

                if (height == 1)
                {
                    if (oddY == 1)
                    {
                        Span<int> only = rows.AsSpan(0, width);
                        for (int i = 0; i < only.Length; i++)
                        {
                            only[i] /= 2;
                        }
                    }
                }
                else
                {
                    for (int k = oddY; k < height; k += 2)
                    {
                        LowRow53(Row(rows, k, width), Row(rows, k - 1 >= 0 ? k - 1 : k + 1, width), Row(rows, k + 1 < height ? k + 1 : k - 1, width));
                    }

                    for (int k = 1 - oddY; k < height; k += 2)
                    {
                        HighRow53(Row(rows, k, width), Row(rows, k - 1 >= 0 ? k - 1 : k + 1, width), Row(rows, k + 1 < height ? k + 1 : k - 1, width));
                    }
                }

                for (int k = 0; k < height; k++)
                {
                    rows.AsSpan(k * width, width).CopyTo(data.AsSpan(k * stride, width));
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(line);
            ArrayPool<int>.Shared.Return(rows);
        }
    }

    public static void Irreversible(TileComponent component, float[] data)
    {
        int stride = component.Width;
        int most = Math.Max(component.Width, component.Height);
        float[] line = ArrayPool<float>.Shared.Rent(Math.Max(1, most));
        float[] rows = ArrayPool<float>.Shared.Rent(Math.Max(1, component.Width * component.Height));
        try
        {
            for (int r = 1; r < component.Resolutions.Length; r++)
            {
                Resolution resolution = component.Resolutions[r];
                int width = resolution.X1 - resolution.X0, height = resolution.Y1 - resolution.Y0;
                if (width == 0 || height == 0)
                {
                    continue;
                }

                int lowWidth = TileComponent.CeilShift(resolution.X1, 1) - TileComponent.CeilShift(resolution.X0, 1);
                int lowHeight = TileComponent.CeilShift(resolution.Y1, 1) - TileComponent.CeilShift(resolution.Y0, 1);
                int oddX = resolution.X0 & 1, oddY = resolution.Y0 & 1;
                Span<float> x = line.AsSpan(0, width);
                for (int j = 0; j < height; j++)
                {
                    Span<float> row = data.AsSpan(j * stride, width);
                    Interleave(row, x, lowWidth, oddX);
                    Lift97(x, oddX);
                    x.CopyTo(row);
                }

                for (int k = 0; k < height; k++)
                {
                    int source = ((k + oddY) & 1) == 0 ? (k - oddY) >> 1 : lowHeight + ((k - (1 - oddY)) >> 1);
                    data.AsSpan(source * stride, width).CopyTo(rows.AsSpan(k * width, width));
                }

                if (height == 1)
                {
                    if (oddY == 1)
                    {
                        Scale(rows.AsSpan(0, width), 0.5f);
                    }
                }
                else
                {
                    for (int k = oddY; k < height; k += 2)
                    {
                        Scale(Row(rows, k, width), K);
                    }

                    for (int k = 1 - oddY; k < height; k += 2)
                    {
                        Scale(Row(rows, k, width), InverseK);
                    }

                    LiftRows(rows, width, height, oddY, Delta);
                    LiftRows(rows, width, height, 1 - oddY, Gamma);
                    LiftRows(rows, width, height, oddY, Beta);
                    LiftRows(rows, width, height, 1 - oddY, Alpha);
                }

                for (int k = 0; k < height; k++)
                {
                    rows.AsSpan(k * width, width).CopyTo(data.AsSpan(k * stride, width));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(line);
            ArrayPool<float>.Shared.Return(rows);
        }
    }

    private static Span<T> Row<T>(T[] rows, int k, int width) => rows.AsSpan(k * width, width);

    /// <summary>2D_INTERLEAVE for one line: the low half (first <paramref name="lowCount"/>) and the high half alternate, the first low at <paramref name="odd"/>.</summary>
    private static void Interleave<T>(ReadOnlySpan<T> source, Span<T> target, int lowCount, int odd)
    {
        int n = target.Length;
        for (int i = 0, k = odd; k < n; i++, k += 2)
        {
            target[k] = source[i];
        }

        for (int i = lowCount, k = 1 - odd; k < n; i++, k += 2)
        {
            target[k] = source[i];
        }
    }

    /// <summary>T.800 §F.3.8.1, 1D_SR for the 5/3 filter, the line starting at an even (0) or odd (1) index.</summary>
    private static void Lift53(Span<int> x, int odd)
    {
        int n = x.Length;
        if (n == 1)
        {
            if (odd == 1)
            {
                x[0] /= 2;
            }

            return;
        }

        for (int k = odd; k < n; k += 2)
        {
            int left = k > 0 ? x[k - 1] : x[k + 1];
            int right = k + 1 < n ? x[k + 1] : x[k - 1];
            x[k] -= (left + right + 2) >> 2;
        }

        for (int k = 1 - odd; k < n; k += 2)
        {
            int left = k > 0 ? x[k - 1] : x[k + 1];
            int right = k + 1 < n ? x[k + 1] : x[k - 1];
            x[k] += (left + right) >> 1;
        }
    }

    /// <summary>T.800 §F.3.8.2, 1D_SR for the 9/7 filter.</summary>
    private static void Lift97(Span<float> x, int odd)
    {
        int n = x.Length;
        if (n == 1)
        {
            if (odd == 1)
            {
                x[0] *= 0.5f;
            }

            return;
        }

        for (int k = odd; k < n; k += 2)
        {
            x[k] *= K;
        }

        for (int k = 1 - odd; k < n; k += 2)
        {
            x[k] *= InverseK;
        }

        Step(x, odd, Delta);
        Step(x, 1 - odd, Gamma);
        Step(x, odd, Beta);
        Step(x, 1 - odd, Alpha);

        static void Step(Span<float> x, int first, float factor)
        {
            int n = x.Length;
            for (int k = first; k < n; k += 2)
            {
                float left = k > 0 ? x[k - 1] : x[k + 1];
                float right = k + 1 < n ? x[k + 1] : x[k - 1];
                x[k] -= factor * (left + right);
            }
        }
    }

    private static void LiftRows(float[] rows, int width, int height, int first, float factor)
    {
        for (int k = first; k < height; k += 2)
        {
            LiftRow97(Row(rows, k, width), Row(rows, k > 0 ? k - 1 : k + 1, width), Row(rows, k + 1 < height ? k + 1 : k - 1, width), factor);
        }
    }

    private static void LowRow53(Span<int> target, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var two = new Vector<int>(2);
            for (; i <= target.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                var sum = new Vector<int>(a[i..]) + new Vector<int>(b[i..]) + two;
                (new Vector<int>(target[i..]) - Vector.ShiftRightArithmetic(sum, 2)).CopyTo(target[i..]);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] -= (a[i] + b[i] + 2) >> 2;
        }
    }

    private static void HighRow53(Span<int> target, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= target.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                var sum = new Vector<int>(a[i..]) + new Vector<int>(b[i..]);
                (new Vector<int>(target[i..]) + Vector.ShiftRightArithmetic(sum, 1)).CopyTo(target[i..]);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] += (a[i] + b[i]) >> 1;
        }
    }

    private static void LiftRow97(Span<float> target, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<float>(factor);
            for (; i <= target.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var sum = new Vector<float>(a[i..]) + new Vector<float>(b[i..]);
                (new Vector<float>(target[i..]) - (f * sum)).CopyTo(target[i..]);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] -= factor * (a[i] + b[i]);
        }
    }

    private static void Scale(Span<float> values, float factor)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= factor;
        }
    }
}
