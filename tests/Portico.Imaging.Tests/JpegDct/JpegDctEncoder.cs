namespace Portico.Imaging.Tests.JpegDct;

/// <summary>What <see cref="JpegDctEncoder"/> writes: precision, sampling factors, scans, restart interval, quantization.</summary>
internal sealed record JpegDctOptions
{
    /// <summary>8 (SOF0) or 12 bits (SOF1, 16-bit quantization tables).</summary>
    public int Precision { get; init; } = 8;

    /// <summary>Each component's H and V; one component is always 1 × 1.</summary>
    public (int H, int V)[] Sampling { get; init; } = [(1, 1)];

    /// <summary>The scans, each the component indexes it holds in order; null: one scan of every component.</summary>
    public int[][]? Scans { get; init; }

    /// <summary>MCUs per restart interval (DRI); 0 for none.</summary>
    public int RestartInterval { get; init; }

    /// <summary>
    /// SOF2 by spectral selection (T.81 §G.1.1.1.1): a DC scan of every component, then per component AC bands 1 to 5
    /// and 6 to 63, blocks with nothing left in a band counted into runs of EOB (EOBRUN, §G.1.2.2).
    /// </summary>
    public bool Progressive { get; init; }

    /// <summary>Every quantization step (one table per component); larger steps, fewer bits.</summary>
    public int Step { get; init; } = 6;
}

/// <summary>
/// A small JPEG DCT encoder (T.81 Huffman sequential) for the decoder's tests, making what DCMTK's dcmcjpeg and netpbm's
/// pnmtojpeg are not asked for here: restart intervals (pnmtojpeg 11.1 writes none), 12-bit colour, scans in any order,
/// and Huffman codes longer than the decoder's look-up (most AC codes are 16 bits long). The reference a test compares
/// with is still DCMTK's dcmdjpeg decoding the stream, never this encoder.
/// </summary>
internal static class JpegDctEncoder
{
    private static readonly byte[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    /// <summary>[u × 8 + x]: cos((2x + 1)uπ/16).</summary>
    private static readonly double[] Cosines = [.. Enumerable.Range(0, 64).Select(i => Math.Cos(((2 * (i % 8)) + 1) * (i / 8) * Math.PI / 16))];

    /// <summary>The size of component <paramref name="c"/>: ⌈X × H / Hmax⌉ × ⌈Y × V / Vmax⌉ (T.81 §A.1.1).</summary>
    public static (int Width, int Height) ComponentSize(int columns, int rows, JpegDctOptions options, int c)
    {
        int maxH = options.Sampling.Max(s => s.H), maxV = options.Sampling.Max(s => s.V);
        return (((columns * options.Sampling[c].H) + maxH - 1) / maxH, ((rows * options.Sampling[c].V) + maxV - 1) / maxV);
    }

    /// <summary>Encodes <paramref name="planes"/> (one per component, each of <see cref="ComponentSize"/>) as a JPEG stream.</summary>
    public static byte[] Encode(int[][] planes, int columns, int rows, JpegDctOptions options)
    {
        int count = planes.Length;
        var output = new List<byte> { 0xFF, 0xD8 };

        // DQT: one table per component, 8-bit values (Pq 0) for 8-bit samples, 16-bit (Pq 1) for 12-bit.
        int pq = options.Precision == 8 ? 0 : 1;
        var dqt = new List<byte>();
        for (int c = 0; c < count; c++)
        {
            dqt.Add((byte)((pq << 4) | c));
            for (int k = 0; k < 64; k++)
            {
                int q = Quantizer(options, c, ZigZag[k]);
                if (pq == 1)
                {
                    dqt.Add((byte)(q >> 8));
                }

                dqt.Add((byte)q);
            }
        }

        Segment(output, 0xDB, [.. dqt]);

        var sof = new List<byte> { (byte)options.Precision, (byte)(rows >> 8), (byte)rows, (byte)(columns >> 8), (byte)columns, (byte)count };
        for (int c = 0; c < count; c++)
        {
            (int h, int v) = count == 1 ? (1, 1) : options.Sampling[c];
            sof.AddRange([(byte)(c + 1), (byte)((h << 4) | v), (byte)c]);
        }

        Segment(output, options.Progressive ? (byte)0xC2 : options.Precision == 8 ? (byte)0xC0 : (byte)0xC1, [.. sof]);

        // DHT: DC table 0, AC table 0 (see Dc and Ac).
        Segment(output, 0xC4, [0x00, .. DcCounts(), .. DcSymbols(), 0x10, .. AcCounts(), .. AcSymbols()]);
        if (options.RestartInterval > 0)
        {
            Segment(output, 0xDD, [(byte)(options.RestartInterval >> 8), (byte)options.RestartInterval]);
        }

        int[][] scans = options.Scans ?? [[.. Enumerable.Range(0, count)]];
        (int[] Components, int Start, int End)[] bands = options.Progressive
            ? [(scans[0], 0, 0), .. Enumerable.Range(0, count).SelectMany(c => new[] { (new[] { c }, 1, 5), (new[] { c }, 6, 63) })]
            : [.. scans.Select(scan => (scan, 0, 63))];
        foreach ((int[] scan, int start, int end) in bands)
        {
            var sos = new List<byte> { (byte)scan.Length };
            foreach (int c in scan)
            {
                sos.AddRange([(byte)(c + 1), 0x00]);
            }

            sos.AddRange([(byte)start, (byte)end, 0]);
            Segment(output, 0xDA, [.. sos]);
            output.AddRange(EncodeScan(planes, columns, rows, options, scan, start, end));
        }

        output.AddRange([0xFF, 0xD9]);
        return [.. output];
    }

    private static int Quantizer(JpegDctOptions options, int c, int natural) =>
        Math.Max(1, (options.Step * (1 + (natural / 8) + (natural % 8)) / 2) + c) * (options.Precision == 12 ? 3 : 1);

    private static byte[] EncodeScan(int[][] planes, int columns, int rows, JpegDctOptions options, int[] scan, int start, int end)
    {
        int maxH = options.Sampling.Max(s => s.H), maxV = options.Sampling.Max(s => s.V);
        bool interleaved = scan.Length > 1;
        (int firstWidth, int firstHeight) = ComponentSize(columns, rows, options, scan[0]);
        int mcusPerLine = interleaved ? (columns + (8 * maxH) - 1) / (8 * maxH) : (firstWidth + 7) / 8;
        int mcuRows = interleaved ? (rows + (8 * maxV) - 1) / (8 * maxV) : (firstHeight + 7) / 8;
        var writer = new BitWriter();
        var predictions = new int[planes.Length];
        int mcus = 0, restarts = 0, eobRun = 0;
        for (int my = 0; my < mcuRows; my++)
        {
            for (int mx = 0; mx < mcusPerLine; mx++)
            {
                if (options.RestartInterval > 0 && mcus > 0 && mcus % options.RestartInterval == 0)
                {
                    FlushEobRun(writer, ref eobRun);
                    writer.Restart(restarts++ & 7);
                    Array.Clear(predictions);
                }

                foreach (int c in scan)
                {
                    (int h, int v) = interleaved ? options.Sampling[c] : (1, 1);
                    for (int by = 0; by < v; by++)
                    {
                        for (int bx = 0; bx < h; bx++)
                        {
                            int[] coefficients = Transform(planes[c], ComponentSize(columns, rows, options, c), ((mx * h) + bx) * 8, ((my * v) + by) * 8, options, c);
                            if (start == 0)
                            {
                                EncodeDc(writer, coefficients[0], ref predictions[c]);
                            }

                            if (end > 0)
                            {
                                EncodeAc(writer, coefficients, Math.Max(start, 1), end, options.Progressive, ref eobRun);
                            }
                        }
                    }
                }

                mcus++;
            }
        }

        FlushEobRun(writer, ref eobRun);
        return writer.Finish();
    }

    /// <summary>Forward DCT (T.81 §A.3.3) of the block at (x0, y0), edges repeated, quantized: natural order.</summary>
    private static int[] Transform(int[] plane, (int Width, int Height) size, int x0, int y0, JpegDctOptions options, int c)
    {
        int level = 1 << (options.Precision - 1);
        var coefficients = new int[64];
        for (int v = 0; v < 8; v++)
        {
            for (int u = 0; u < 8; u++)
            {
                double sum = 0;
                for (int y = 0; y < 8; y++)
                {
                    for (int x = 0; x < 8; x++)
                    {
                        int sample = plane[(Math.Min(y0 + y, size.Height - 1) * size.Width) + Math.Min(x0 + x, size.Width - 1)] - level;
                        sum += sample * Cosines[(u * 8) + x] * Cosines[(v * 8) + y];
                    }
                }

                double cu = u == 0 ? Math.Sqrt(0.5) : 1, cv = v == 0 ? Math.Sqrt(0.5) : 1;
                int natural = (v * 8) + u;
                coefficients[natural] = (int)Math.Round(cu * cv * sum / 4 / Quantizer(options, c, natural));
            }
        }

        return coefficients;
    }

    /// <summary>The DC difference: its category by Huffman code, then its extra bits (§F.1.2.1).</summary>
    private static void EncodeDc(BitWriter writer, int dc, ref int prediction)
    {
        int difference = dc - prediction;
        prediction = dc;
        int category = Category(difference);
        writer.Write(DcCode(category), DcLength);
        writer.Write(Extra(difference, category), category);
    }

    /// <summary>
    /// The AC coefficients <paramref name="start"/> to <paramref name="end"/> by run and size (§F.1.2.2); trailing
    /// zeros as EOB, or (progressive) counted into <paramref name="eobRun"/>, written as EOBn before the next block that
    /// has a coefficient, at a restart or at the end of the scan (§G.1.2.2).
    /// </summary>
    private static void EncodeAc(BitWriter writer, int[] coefficients, int start, int end, bool progressive, ref int eobRun)
    {
        int last = end;
        while (last >= start && coefficients[ZigZag[last]] == 0)
        {
            last--;
        }

        if (progressive && last >= start)
        {
            FlushEobRun(writer, ref eobRun);
        }

        int run = 0;
        for (int k = start; k <= last; k++)
        {
            int value = coefficients[ZigZag[k]];
            if (value == 0)
            {
                run++;
                continue;
            }

            while (run > 15)
            {
                WriteAc(writer, 0xF0);
                run -= 16;
            }

            int size = Category(value);
            WriteAc(writer, (run << 4) | size);
            writer.Write(Extra(value, size), size);
            run = 0;
        }

        if (last < end)
        {
            if (!progressive)
            {
                WriteAc(writer, 0x00);
            }
            else if (++eobRun == 0x7FFF)
            {
                FlushEobRun(writer, ref eobRun);
            }
        }
    }

    /// <summary>EOBn for a run of <paramref name="eobRun"/> blocks: n the run's highest bit, then its n lower bits.</summary>
    private static void FlushEobRun(BitWriter writer, ref int eobRun)
    {
        if (eobRun == 0)
        {
            return;
        }

        int n = 31 - int.LeadingZeroCount(eobRun);
        WriteAc(writer, n << 4);
        writer.Write(eobRun - (1 << n), n);
        eobRun = 0;
    }

    private static int Category(int value) => value == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(value));

    /// <summary>T.81 §F.1.2.1.1: a negative value's extra bits are its one's complement's low bits.</summary>
    private static int Extra(int value, int category) => value >= 0 ? value : (value - 1) & ((1 << category) - 1);

    // DC: categories 0 to 15, every code 5 bits (16 codes of 32, none all ones).
    private const int DcLength = 5;

    private static byte[] DcCounts() => [0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private static byte[] DcSymbols() => [.. Enumerable.Range(0, 16).Select(i => (byte)i)];

    private static int DcCode(int category) => category;

    // AC: the 8 commonest symbols in 4 bits; every other run/size (sizes 1 to 14, ZRL, EOB1 to EOB14) in 16 bits, beyond the decoder's look-up.
    private static readonly byte[] CommonAc = [0x00, 0x01, 0x02, 0x11, 0x03, 0x21, 0x04, 0x12];

    private static byte[] AcSymbols() =>
        [.. CommonAc, .. Enumerable.Range(0, 256).Where(s => (s & 0x0F) is >= 1 and <= 14 || s is 0xF0 || (s & 0x0F, s >> 4) is (0, >= 1 and <= 14)).Select(s => (byte)s).Where(s => !CommonAc.Contains(s))];

    private static byte[] AcCounts() => [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)(AcSymbols().Length - 8)];

    private static void WriteAc(BitWriter writer, int symbol)
    {
        int common = Array.IndexOf(CommonAc, (byte)symbol);
        if (common >= 0)
        {
            writer.Write(common, 4);
            return;
        }

        // 16-bit codes start at 8 << 12 (after the 8 codes of 4 bits), in symbol order.
        int index = Array.IndexOf(AcSymbols(), (byte)symbol) - 8;
        writer.Write((8 << 12) + index, 16);
    }

    private static void Segment(List<byte> output, byte marker, byte[] parameters)
    {
        int length = parameters.Length + 2;
        output.AddRange([0xFF, marker, (byte)(length >> 8), (byte)length, .. parameters]);
    }

    /// <summary>Entropy-coded bytes: bits most significant first, 0x00 stuffed after 0xFF, padded with 1 bits (T.81 §F.1.2.3).</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _buffer;
        private int _count;

        public void Write(int bits, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((bits >> i) & 1);
                if (++_count == 8)
                {
                    Flush();
                }
            }
        }

        public void Restart(int n)
        {
            Pad();
            _bytes.AddRange([0xFF, (byte)(0xD0 + n)]);
        }

        public byte[] Finish()
        {
            Pad();
            return [.. _bytes];
        }

        private void Pad()
        {
            while (_count != 0)
            {
                Write(1, 1);
            }
        }

        private void Flush()
        {
            _bytes.Add((byte)_buffer);
            if (_buffer == 0xFF)
            {
                _bytes.Add(0);
            }

            (_buffer, _count) = (0, 0);
        }
    }
}
