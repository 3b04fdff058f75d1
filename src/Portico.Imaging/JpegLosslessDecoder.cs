using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Portico.Imaging.Jpeg;

namespace Portico.Imaging;

/// <summary>
/// Decodes one frame of JPEG Lossless pixel data: transfer syntaxes 1.2.840.10008.1.2.4.57 (Process 14, any selection
/// value) and 1.2.840.10008.1.2.4.70 (Process 14, selection value 1), PS3.5 §8.2.1 and §A.4.1. The frame is an ITU-T
/// T.81 lossless stream (Annex H) with Huffman coding: a SOF3 frame of 2 to 16 bits precision with one component (grey)
/// or three (colour) sampled 1 × 1, in one interleaved scan or in one scan per component, predictors 1 to 7, a point
/// transform, and restart intervals of whole lines. Colour components are kept as they are (no colour transform). The
/// result is native little endian pixel data in the layout's Bits Allocated (8 or 16), samples interleaved (Planar
/// Configuration 0), ready for <see cref="FrameRenderer.Render"/> with <c>planar: false</c>.
/// </summary>
/// <remarks>
/// Malformed input of any kind is a <see cref="RenderingException"/>. Nothing larger than the frame the layout
/// describes is allocated, and that only once the stream's header agrees with the layout and the stream is long
/// enough to hold the image: every sample costs at least one bit (T.81 §C: no Huffman code is shorter).
/// </remarks>
public static class JpegLosslessDecoder
{
    // T.81 Table B.1: marker codes (the byte after 0xFF) of JPEG Lossless's own; the shared ones are JpegSegments's.
    private const byte Dht = 0xC4;
    private const byte Dac = 0xCC;
    private const byte Dhp = 0xDE;
    private const byte Exp = 0xDF;

    private static readonly JpegFormat Format = new LosslessFormat();

    /// <exception cref="RenderingException">The frame is malformed, uses a JPEG process other than lossless Process 14, or disagrees with the layout.</exception>
    public static byte[] Decode(PixelLayout layout, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(layout);
        JpegSegments.CheckLayout(layout, Format);
        JpegSegments.CheckStart(frame, Format);

        var tables = new JpegHuffmanTable?[8];
        JpegFrameHeader? header = null;
        byte[]? output = null;
        int[]? previous = null, current = null;
        int restartInterval = 0;
        int position = 2;
        try
        {
            while (true)
            {
                byte marker = JpegSegments.NextMarker(frame, ref position, Format);
                switch (marker)
                {
                    case JpegSegments.Sof3:
                        if (header is not null)
                        {
                            throw new RenderingException("The JPEG Lossless frame has two frame headers (SOF3).");
                        }

                        header = JpegFrameHeader.Read(JpegSegments.Segment(frame, ref position, "SOF3", Format), layout, frame.Length, Format);
                        output = new byte[layout.FrameBytes];
                        previous = ArrayPool<int>.Shared.Rent(header.Columns * header.Components.Length);
                        current = ArrayPool<int>.Shared.Rent(header.Columns * header.Components.Length);
                        break;
                    case Dht:
                        JpegHuffmanTable.ReadTables(JpegSegments.Segment(frame, ref position, "DHT", Format), tables, Format);
                        break;
                    case JpegSegments.Dri:
                        restartInterval = JpegSegments.ReadRestartInterval(JpegSegments.Segment(frame, ref position, "DRI", Format), Format);
                        break;
                    case JpegSegments.Sos:
                        if (header is null || output is null || previous is null || current is null)
                        {
                            throw new RenderingException("The JPEG Lossless frame has a scan (SOS) before its frame header (SOF3).");
                        }

                        Scan scan = ReadScanHeader(JpegSegments.Segment(frame, ref position, "SOS", Format), header, tables);
                        position = DecodeScan(frame, position, header, scan, restartInterval, output, previous, current);
                        break;
                    case JpegSegments.Eoi:
                        if (header is null || output is null)
                        {
                            throw new RenderingException("The JPEG Lossless frame ends (EOI) without a frame header (SOF3).");
                        }

                        header.CheckAllDecoded(Format);
                        return output;
                    case Dac:
                        throw new RenderingException("The JPEG frame uses arithmetic coding (DAC), which JPEG Lossless Process 14 does not.");
                    case Dhp or Exp:
                        throw new RenderingException("The JPEG frame is hierarchical (DHP/EXP), not JPEG Lossless Non-Hierarchical Process 14.");
                    case JpegSegments.Sof55:
                        throw new RenderingException("The frame is JPEG-LS (SOF55), not JPEG Lossless Process 14 (SOF3): its transfer syntax does not match its pixel data.");
                    case >= 0xC0 and <= 0xCF:
                        throw new RenderingException($"The frame is JPEG {FrameTypeName(marker)}, not JPEG Lossless Process 14 (SOF3): its transfer syntax does not match its pixel data.");
                    default:
                        JpegSegments.SkipOther(frame, ref position, marker, Format);
                        break;
                }
            }
        }
        finally
        {
            if (previous is not null)
            {
                ArrayPool<int>.Shared.Return(previous);
            }

            if (current is not null)
            {
                ArrayPool<int>.Shared.Return(current);
            }
        }
    }

    private static string FrameTypeName(byte marker) => marker switch
    {
        0xC0 => "SOF0 (baseline DCT)",
        0xC1 => "SOF1 (extended sequential DCT)",
        0xC2 => "SOF2 (progressive DCT)",
        0xC5 => "SOF5 (differential sequential DCT, hierarchical)",
        0xC6 => "SOF6 (differential progressive DCT, hierarchical)",
        0xC7 => "SOF7 (differential lossless, hierarchical)",
        0xC8 => "JPG (reserved extension)",
        0xC9 => "SOF9 (extended sequential DCT, arithmetic coding)",
        0xCA => "SOF10 (progressive DCT, arithmetic coding)",
        0xCB => "SOF11 (lossless, arithmetic coding)",
        0xCD => "SOF13 (differential sequential DCT, arithmetic coding)",
        0xCE => "SOF14 (differential progressive DCT, arithmetic coding)",
        _ => "SOF15 (differential lossless, arithmetic coding)",
    };

    /// <summary>T.81 §B.2.3: Ns, per component its id and tables, then Ss (the predictor, §H.1.2.1), Se, Ah and Al (the point transform).</summary>
    private static Scan ReadScanHeader(ReadOnlySpan<byte> segment, JpegFrameHeader header, JpegHuffmanTable?[] tables)
    {
        JpegSegments.CheckScanHeader(segment, Format);
        int count = segment[0];
        var components = new int[count];
        var scanTables = new HuffmanTable[count];
        for (int k = 0; k < count; k++)
        {
            int index = header.ScanComponent(segment[1 + (2 * k)], components.AsSpan(0, k), Format);
            int table = segment[2 + (2 * k)] >> 4;
            // Class 1 (AC) tables belong to DCT processes; a lossless scan uses class 0 (T.81 §H.2.2).
            scanTables[k] = new HuffmanTable((table < 4 ? tables[table] : null)
                ?? throw new RenderingException($"A scan of the JPEG Lossless frame uses Huffman table {table}, which no DHT segment before it defines."));
            components[k] = index;
        }

        int predictor = segment[1 + (2 * count)];
        int pointTransform = segment[3 + (2 * count)] & 0x0F;
        if (predictor is < 1 or > 7)
        {
            throw new RenderingException($"A scan of the JPEG Lossless frame has predictor selection value {predictor}; Process 14 uses 1 to 7.");
        }

        if (pointTransform >= header.Precision)
        {
            throw new RenderingException($"A scan of the JPEG Lossless frame has point transform {pointTransform}, which leaves nothing of its {header.Precision}-bit samples.");
        }

        header.MarkDecoded(components);
        return new Scan(components, scanTables, predictor, pointTransform, header.Precision);
    }

    /// <summary>
    /// Decodes one scan into <paramref name="output"/> and returns the offset of the marker after it. Rows are decoded
    /// into <paramref name="previous"/> and <paramref name="current"/> (each one row of every component, interleaved)
    /// before they are written out shifted by the point transform.
    /// </summary>
    private static int DecodeScan(ReadOnlySpan<byte> frame, int position, JpegFrameHeader header, Scan scan, int restartInterval, byte[] output, int[] previous, int[] current)
    {
        int rows = header.Rows, columns = header.Columns;

        // T.81 §H.1.2.1 starts each restart interval as the image's first line (prediction from the left, the first
        // sample from 2^(P-Pt-1)), which is defined for intervals of whole lines: a multiple of the MCUs per line (an
        // MCU being one sample of each component of the scan), as libjpeg also requires. An interval as long as the scan
        // has no restart in it, whatever its length.
        int rowsPerInterval = rows;
        if (restartInterval > 0 && (long)restartInterval < (long)rows * columns)
        {
            if (restartInterval % columns != 0)
            {
                throw new RenderingException($"The JPEG Lossless frame has a restart interval of {restartInterval} samples, not a whole number of its {columns}-sample lines.");
            }

            rowsPerInterval = restartInterval / columns;
        }

        var reader = new JpegBitReader(frame, position, Format);
        int restarts = 0;
        for (int row = 0; row < rows; row++)
        {
            bool firstLine = row % rowsPerInterval == 0;
            if (firstLine && row > 0)
            {
                reader.Restart(restarts & 7);
                restarts++;
            }

            DecodeRow(ref reader, scan, header.Components.Length, columns, firstLine, previous, current);
            if (reader.Overrun)
            {
                throw new RenderingException($"The JPEG Lossless data ends in line {row + 1} of {rows}: the frame is truncated or corrupt.");
            }

            StoreRow(scan, header, row, current, output);
            (previous, current) = (current, previous);
        }

        return reader.EndOfScan();
    }

    /// <summary>
    /// One line of every component of the scan: T.81 §H.1.2.1 predictions plus the decoded differences. The reader's
    /// bit buffer is kept in locals for the line rather than read and written through the reference per sample.
    /// </summary>
    private static void DecodeRow(ref JpegBitReader reader, Scan scan, int stride, int columns, bool firstLine, int[] previous, int[] current)
    {
        int mask = scan.Mask;
        int[] components = scan.Components;
        HuffmanTable[] tables = scan.Tables;
        int count = components.Length;
        ulong bits = reader.Bits;
        int available = reader.Available;

        // The first sample of a line: 2^(P-Pt-1) on the first line of the scan or of a restart interval, else the one above.
        for (int k = 0; k < count; k++)
        {
            int c = components[k];
            int prediction = firstLine ? scan.Initial : previous[c];
            current[c] = (prediction + NextDifference(ref reader, ref bits, ref available, tables[k].Differences, tables[k])) & mask;
        }

        int predictor = firstLine ? 1 : scan.Predictor;
        if (count == 1)
        {
            // A grey image, or one scan per colour component: the loop most frames take.
            (bits, available) = DecodeLine(ref reader, bits, available, tables[0], stride + components[0], columns * stride, stride, mask, predictor, previous, current);
        }
        else
        {
            // The first line of a scan or restart interval predicts from the left (predictor 1), so never reads the line above.
            for (int x = 1; x < columns; x++)
            {
                int at = x * stride;
                for (int k = 0; k < count; k++)
                {
                    int i = at + components[k];
                    int prediction = predictor == 1 ? current[i - stride] : Predict(predictor, current[i - stride], previous[i], previous[i - stride]);
                    current[i] = (prediction + NextDifference(ref reader, ref bits, ref available, tables[k].Differences, tables[k])) & mask;
                }
            }
        }

        reader.Bits = bits;
        reader.Available = available;
    }

    /// <summary>
    /// The samples <paramref name="start"/>, + <paramref name="stride"/> ... before <paramref name="end"/> of one
    /// component's line (all but its first), from the bits given; returns the bits left.
    /// </summary>
    private static (ulong Bits, int Available) DecodeLine(ref JpegBitReader reader, ulong bits, int available, HuffmanTable table, int start, int end, int stride, int mask, int predictor, int[] previous, int[] current)
    {
        int[] differences = table.Differences;
        if (predictor == 1)
        {
            // The sample to the left stays in a register from one to the next.
            int left = current[start - stride];
            for (int i = start; i < end; i += stride)
            {
                left = (left + NextDifference(ref reader, ref bits, ref available, differences, table)) & mask;
                current[i] = left;
            }
        }
        else
        {
            for (int i = start; i < end; i += stride)
            {
                int prediction = Predict(predictor, current[i - stride], previous[i], previous[i - stride]);
                current[i] = (prediction + NextDifference(ref reader, ref bits, ref available, differences, table)) & mask;
            }
        }

        return (bits, available);
    }

    /// <summary>
    /// The next difference (T.81 §H.1.2.2, Table H.2): a category SSSS by Huffman code, then SSSS bits, or none for 16
    /// (a difference of 32768). <paramref name="bits"/> holds <paramref name="available"/> bits, the next one highest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextDifference(ref JpegBitReader reader, ref ulong bits, ref int available, int[] differences, HuffmanTable table)
    {
        // At most 16 bits of code and 15 of difference.
        if (available < 32)
        {
            (bits, available) = reader.Fill(bits, available);
        }

        int entry = differences[(int)(bits >> (64 - HuffmanTable.LookupBits))];
        if (entry == 0)
        {
            entry = table.Decode(bits);
        }

        int length = entry & 0xFF;
        bits <<= length;
        available -= length;
        return entry >> 8;
    }

    /// <summary>T.81 Table H.1, with a the sample to the left, b the one above, c the one above-left (arithmetic shifts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Predict(int predictor, int a, int b, int c) => predictor switch
    {
        1 => a,
        2 => b,
        3 => c,
        4 => a + b - c,
        5 => a + ((b - c) >> 1),
        6 => b + ((a - c) >> 1),
        _ => (a + b) >> 1,
    };

    /// <summary>Writes the scan's components of line <paramref name="row"/>, multiplied back by 2^Pt (T.81 §H.1.2.1).</summary>
    private static void StoreRow(Scan scan, JpegFrameHeader header, int row, int[] current, byte[] output)
    {
        int stride = header.Components.Length, end = header.Columns * stride;
        foreach (int c in scan.Components)
        {
            JpegSegments.WriteSamples(current.AsSpan(c, end - c), stride, output, (row * end) + c, stride, header.BytesPerSample, scan.PointTransform);
        }
    }

    [DoesNotReturn]
    private static void ThrowBadDifferenceSize(int size) =>
        throw new RenderingException($"The JPEG Lossless data holds a difference of {size} bits; lossless differences have at most 16.");

    /// <summary>One scan: the frame indexes of its components and their tables, the predictor and the point transform.</summary>
    private sealed class Scan(int[] components, HuffmanTable[] tables, int predictor, int pointTransform, int precision)
    {
        public int[] Components { get; } = components;

        public HuffmanTable[] Tables { get; } = tables;

        public int Predictor { get; } = predictor;

        public int PointTransform { get; } = pointTransform;

        /// <summary>
        /// Reconstructed values are taken modulo 2^(P-Pt): for a valid stream the same as T.81 §H.1.2.2's modulo 2^16,
        /// and never more bits than the samples have, whatever a corrupt stream holds.
        /// </summary>
        public int Mask { get; } = (1 << (precision - pointTransform)) - 1;

        /// <summary>The prediction of a scan's or restart interval's first sample, 2^(P-Pt-1).</summary>
        public int Initial { get; } = 1 << (precision - pointTransform - 1);
    }

    /// <summary>
    /// A Huffman table of difference categories (T.81 §H.1.2.2) for one scan. Decoding looks up the next
    /// <see cref="JpegHuffmanTable.LookupBits"/> bits: for a short code with few extra bits, that gives the whole
    /// difference at once; otherwise the code (from the shared table) and then its extra bits.
    /// </summary>
    private sealed class HuffmanTable
    {
        public const int LookupBits = JpegHuffmanTable.LookupBits;

        private readonly JpegHuffmanTable _codes;

        /// <summary>Builds the difference look-up of <paramref name="codes"/> as it is defined now (a later DHT may redefine it).</summary>
        public HuffmanTable(JpegHuffmanTable codes)
        {
            _codes = codes;
            ushort[] entries = codes.Codes;
            for (int next = 0; next < entries.Length; next++)
            {
                if (entries[next] != 0)
                {
                    Differences[next] = Resolve(next, entries[next] >> 8, entries[next] & 0xFF);
                }
            }
        }

        /// <summary>
        /// By the next bits: the difference (above the low byte) and the bits it takes, code and extra bits (low byte);
        /// 0 when they are more than <see cref="LookupBits"/>.
        /// </summary>
        public int[] Differences { get; } = new int[1 << LookupBits];

        /// <summary>The difference at the top of <paramref name="bits"/>, packed as <see cref="Differences"/>; any length.</summary>
        public int Decode(ulong bits)
        {
            (int length, int size) = _codes.Decode(bits);
            if (size > 16)
            {
                ThrowBadDifferenceSize(size);
            }

            return Pack(Difference((int)((bits << length) >> 48), size), length + (size == 16 ? 0 : size));
        }

        /// <summary>The <see cref="Differences"/> entry for the look-up bits <paramref name="next"/> that begin with a code of <paramref name="length"/> bits.</summary>
        private static int Resolve(int next, int length, int size)
        {
            int bits = length + (size == 16 ? 0 : size);
            if (size > 16 || bits > LookupBits)
            {
                return 0;
            }

            // The bits after the code, top-aligned in 16.
            int top = ((next << length) & ((1 << LookupBits) - 1)) << (16 - LookupBits);
            return Pack(Difference(top, size), bits);
        }

        private static int Pack(int difference, int bits) => (difference << 8) | bits;

        /// <summary>
        /// T.81 §F.2.2.1 EXTEND: the difference of category <paramref name="size"/> whose extra bits are the top bits of
        /// the 16-bit <paramref name="top"/>: a leading 0 bit means a negative one. Category 16 is 32768, with no extra bits.
        /// </summary>
        private static int Difference(int top, int size)
        {
            if (size is 0 or 16)
            {
                return size == 0 ? 0 : 32768;
            }

            int value = top >> (16 - size);
            return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
        }
    }

    /// <summary>T.81 Annex H's marker stream for <see cref="JpegSegments"/> and <see cref="JpegFrameHeader"/>.</summary>
    private sealed class LosslessFormat() : JpegFormat("JPEG Lossless", "SOF3", "T.81", "Process 14", lowestMarker: 0x01, longRestartIntervals: false)
    {
        public override void CheckDimensions(int rows, int columns)
        {
            if (rows == 0)
            {
                throw new RenderingException("The JPEG Lossless frame leaves its number of lines to a DNL marker, which Portico does not support.");
            }

            if (columns == 0)
            {
                throw new RenderingException("The JPEG Lossless frame has 0 samples per line.");
            }
        }

        /// <summary>Every sample takes at least one bit of the stream (T.81 §C: no Huffman code is shorter).</summary>
        public override void CheckStreamLength(int rows, int columns, int count, int frameLength)
        {
            long samples = (long)rows * columns * count;
            if (samples > 8L * frameLength)
            {
                throw new RenderingException($"The JPEG Lossless frame holds {frameLength:N0} bytes, too few for the {columns} × {rows} × {count} samples its header claims.");
            }
        }
    }
}
