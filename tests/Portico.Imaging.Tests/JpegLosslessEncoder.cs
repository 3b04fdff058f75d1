namespace Portico.Imaging.Tests;

/// <summary>How <see cref="JpegLosslessEncoder"/> lays out a stream: what DCMTK's dcmcjpeg cannot be asked for.</summary>
internal sealed record JpegLosslessOptions
{
    /// <summary>Bits per sample, 2 to 16 (T.81 §B.2.2 P).</summary>
    public required int Precision { get; init; }

    /// <summary>Predictor selection value 1 to 7 (T.81 Table H.1).</summary>
    public int Predictor { get; init; } = 1;

    public int PointTransform { get; init; }

    /// <summary>Lines per restart interval (a DRI segment and RSTn markers); 0 for none.</summary>
    public int RestartLines { get; init; }

    /// <summary>The components (0-based) of each scan; null for one scan of every component, interleaved.</summary>
    public int[][]? Scans { get; init; }
}

/// <summary>
/// A small JPEG Lossless (T.81 Annex H, SOF3, Huffman) encoder for the tests: it makes the streams third-party
/// encoders here cannot (any precision, one scan per component, restart intervals), which DCMTK's dcmdjpeg then
/// decodes to prove them valid. Each scan gets its own table: the 17 difference categories ordered by how often they
/// occur, with codes of 2, 2, 3, 4 ... 16, 16 bits, so rare categories take the long codes a decoder looks up slowly.
/// </summary>
internal static class JpegLosslessEncoder
{
    private static readonly int[] CodeLengths = [2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 16];

    /// <param name="samples">Every sample, components interleaved: (row × columns + column) × components + component.</param>
    public static byte[] Encode(int[] samples, int columns, int rows, int components, JpegLosslessOptions options)
    {
        var output = new List<byte> { 0xFF, 0xD8 };
        var frame = new List<byte> { (byte)options.Precision, (byte)(rows >> 8), (byte)rows, (byte)(columns >> 8), (byte)columns, (byte)components };
        for (int c = 0; c < components; c++)
        {
            frame.AddRange([(byte)(c + 1), 0x11, 0]);
        }

        AddSegment(output, 0xC3, frame);
        if (options.RestartLines > 0)
        {
            int interval = options.RestartLines * columns;
            AddSegment(output, 0xDD, [(byte)(interval >> 8), (byte)interval]);
        }

        int[][] scans = options.Scans ?? [Enumerable.Range(0, components).ToArray()];
        for (int s = 0; s < scans.Length; s++)
        {
            EncodeScan(output, samples, columns, rows, components, scans[s], tableId: s % 4, options);
        }

        output.AddRange([0xFF, 0xD9]);
        return [.. output];
    }

    private static void EncodeScan(List<byte> output, int[] samples, int columns, int rows, int components, int[] scan, int tableId, JpegLosslessOptions options)
    {
        // The differences in coding order, with where each restart interval ends.
        int mask = (1 << (options.Precision - options.PointTransform)) - 1;
        var differences = new List<int>();
        var intervalEnds = new List<int>();
        for (int row = 0; row < rows; row++)
        {
            bool firstLine = options.RestartLines == 0 ? row == 0 : row % options.RestartLines == 0;
            if (firstLine && row > 0)
            {
                intervalEnds.Add(differences.Count);
            }

            for (int x = 0; x < columns; x++)
            {
                foreach (int c in scan)
                {
                    int Value(int r, int col) => (samples[(((r * columns) + col) * components) + c] >> options.PointTransform) & mask;
                    int prediction = (x, firstLine) switch
                    {
                        (0, true) => 1 << (options.Precision - options.PointTransform - 1),
                        (_, true) => Value(row, x - 1),
                        (0, false) => Value(row - 1, 0),
                        _ => Predict(options.Predictor, Value(row, x - 1), Value(row - 1, x), Value(row - 1, x - 1)),
                    };

                    // T.81 §H.1.2.2: modulo 2^16, in the range -32767 to 32768.
                    int difference = (Value(row, x) - prediction) & 0xFFFF;
                    differences.Add(difference > 32768 ? difference - 65536 : difference);
                }
            }
        }

        // The table: categories by frequency, the most frequent with the shortest codes (T.81 §C, canonical codes).
        var counts = new int[17];
        foreach (int d in differences)
        {
            counts[Category(d)]++;
        }

        int[] byFrequency = [.. Enumerable.Range(0, 17).OrderByDescending(s => counts[s]).ThenBy(s => s)];
        var bits = new byte[16];
        var codes = new (int Code, int Length)[17];
        int code = 0, rank = 0;
        for (int length = 1; length <= 16; length++)
        {
            for (; rank < 17 && CodeLengths[rank] == length; rank++)
            {
                codes[byFrequency[rank]] = (code++, length);
                bits[length - 1]++;
            }

            code <<= 1;
        }

        AddSegment(output, 0xC4, [(byte)tableId, .. bits, .. byFrequency.Select(s => (byte)s)]);
        var header = new List<byte> { (byte)scan.Length };
        foreach (int c in scan)
        {
            header.AddRange([(byte)(c + 1), (byte)(tableId << 4)]);
        }

        header.AddRange([(byte)options.Predictor, 0, (byte)options.PointTransform]);
        AddSegment(output, 0xDA, header);

        var writer = new BitWriter(output);
        int restart = 0;
        for (int i = 0; i < differences.Count; i++)
        {
            if (restart < intervalEnds.Count && intervalEnds[restart] == i)
            {
                writer.Flush();
                output.AddRange([0xFF, (byte)(0xD0 + (restart % 8))]);
                restart++;
            }

            int d = differences[i];
            int category = Category(d);
            writer.Write(codes[category].Code, codes[category].Length);
            if (category is > 0 and < 16)
            {
                writer.Write(d > 0 ? d : d + (1 << category) - 1, category);
            }
        }

        writer.Flush();
    }

    public static int Predict(int predictor, int a, int b, int c) => predictor switch
    {
        1 => a,
        2 => b,
        3 => c,
        4 => a + b - c,
        5 => a + ((b - c) >> 1),
        6 => b + ((a - c) >> 1),
        _ => (a + b) >> 1,
    };

    private static int Category(int difference) => difference == 32768 ? 16 : difference == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(difference));

    private static void AddSegment(List<byte> output, byte marker, List<byte> parameters)
    {
        int length = parameters.Count + 2;
        output.AddRange([0xFF, marker, (byte)(length >> 8), (byte)length]);
        output.AddRange(parameters);
    }

    /// <summary>Bits most significant first, a 0x00 stuffed after each 0xFF, the last byte padded with 1 bits (T.81 §F.1.2.3).</summary>
    private sealed class BitWriter(List<byte> output)
    {
        private int _bits;
        private int _count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                _bits = (_bits << 1) | ((value >> i) & 1);
                if (++_count == 8)
                {
                    Emit();
                }
            }
        }

        public void Flush()
        {
            while (_count != 0)
            {
                Write(1, 1);
            }
        }

        private void Emit()
        {
            output.Add((byte)_bits);
            if (_bits == 0xFF)
            {
                output.Add(0);
            }

            (_bits, _count) = (0, 0);
        }
    }
}
