using System.Diagnostics.CodeAnalysis;

namespace Portico.Imaging.Jpeg;

/// <summary>
/// Decodes one scan of a progressive DCT frame with Huffman coding (T.81 Annex G, Processes 10 and 12) into the
/// components' coefficients: the DC coefficients of one or more components, first (a difference, as sequential, §G.1.2.1)
/// or refined by one bit; or a band Ss to Se of one component's AC coefficients, first (with runs of blocks that end
/// at once, EOBRUN, §G.1.2.2) or refined by one bit (correction bits for coefficients already non-zero, §G.1.2.3).
/// </summary>
internal static class ProgressiveScan
{
    /// <summary>Decodes the scan that starts at <paramref name="position"/>; returns the offset of the marker after it.</summary>
    public static int Decode(ReadOnlySpan<byte> frame, int position, DctFrame dct, DctScan scan, int restartInterval, JpegFormat format)
    {
        int[] indexes = scan.Components;
        bool interleaved = indexes.Length > 1;
        DctComponent first = dct.Components[indexes[0]];
        int mcusPerLine = interleaved ? dct.McusPerLine : first.ScanBlocksPerLine;
        int mcuRows = interleaved ? dct.McuRows : first.ScanBlocksPerColumn;
        var reader = new JpegBitReader(frame, position, format);
        int eobRun = 0, restarts = 0, sinceRestart = 0;
        Reset(dct, indexes);
        for (int row = 0; row < mcuRows; row++)
        {
            for (int column = 0; column < mcusPerLine; column++)
            {
                if (restartInterval > 0 && sinceRestart == restartInterval)
                {
                    CheckOverrun(ref reader, row, mcuRows);
                    reader.Restart(restarts & 7);
                    restarts++;
                    sinceRestart = 0;
                    eobRun = 0;
                    Reset(dct, indexes);
                }

                for (int k = 0; k < indexes.Length; k++)
                {
                    DctComponent component = dct.Components[indexes[k]];
                    int h = interleaved ? component.Horizontal : 1, v = interleaved ? component.Vertical : 1;
                    for (int y = 0; y < v; y++)
                    {
                        for (int x = 0; x < h; x++)
                        {
                            int block = ((((row * v) + y) * component.BlocksPerLine) + (column * h) + x) * 64;
                            Span<short> coefficients = component.Coefficients.AsSpan(block, 64);
                            switch ((scan.Start, scan.High))
                            {
                                case (0, 0):
                                    DcFirst(ref reader, scan.Dc[k]!, component, coefficients, scan.Low);
                                    break;
                                case (0, _):
                                    if (Bits(ref reader, 1) != 0)
                                    {
                                        coefficients[0] |= (short)(1 << scan.Low);
                                    }

                                    break;
                                case (_, 0):
                                    AcFirst(ref reader, scan.Ac[k]!, coefficients, scan, ref eobRun);
                                    break;
                                default:
                                    AcRefine(ref reader, scan.Ac[k]!, coefficients, scan, ref eobRun);
                                    break;
                            }
                        }
                    }
                }

                sinceRestart++;
            }

            CheckOverrun(ref reader, row, mcuRows);
        }

        return reader.EndOfScan();
    }

    /// <summary>§G.1.2.1: the DC difference, as sequential, added to the prediction and scaled by 2^Al.</summary>
    private static void DcFirst(ref JpegBitReader reader, JpegHuffmanTable table, DctComponent component, Span<short> coefficients, int low)
    {
        int size = Symbol(ref reader, table);
        if (size > 15)
        {
            throw new RenderingException($"The JPEG data holds a DC difference of {size} bits; T.81 allows at most 15.");
        }

        component.DcPrediction += JpegHuffmanTable.Extend(Bits(ref reader, size), size);
        coefficients[0] = (short)(component.DcPrediction << low);
    }

    /// <summary>§G.1.2.2: the band's coefficients by run and size, or EOBn: this block and the next 2^n - 1 + n bits' worth end here.</summary>
    private static void AcFirst(ref JpegBitReader reader, JpegHuffmanTable table, Span<short> coefficients, DctScan scan, ref int eobRun)
    {
        if (eobRun > 0)
        {
            eobRun--;
            return;
        }

        ReadOnlySpan<byte> zigZag = DctScan.ZigZag;
        for (int k = scan.Start; k <= scan.End; k++)
        {
            int symbol = Symbol(ref reader, table);
            int run = symbol >> 4, size = symbol & 0x0F;
            if (size == 0)
            {
                if (run < 15)
                {
                    eobRun = (1 << run) - 1 + Bits(ref reader, run);
                    break;
                }

                // ZRL: sixteen zeros (the loop's step is the sixteenth).
                k += 15;
                continue;
            }

            k += run;
            if (k > scan.End)
            {
                ThrowRunPastBand();
            }

            coefficients[zigZag[k]] = (short)(JpegHuffmanTable.Extend(Bits(ref reader, size), size) * (1 << scan.Low));
        }
    }

    /// <summary>
    /// §G.1.2.3: refines the band by bit Al. Each coefficient already non-zero takes a correction bit; a new coefficient
    /// (±2^Al) lands after the run's count of zero ones; after EOBn, the rest of this block and of the next blocks of the
    /// run take only their correction bits.
    /// </summary>
    private static void AcRefine(ref JpegBitReader reader, JpegHuffmanTable table, Span<short> coefficients, DctScan scan, ref int eobRun)
    {
        ReadOnlySpan<byte> zigZag = DctScan.ZigZag;
        int plus = 1 << scan.Low, minus = -1 << scan.Low;
        int k = scan.Start;
        if (eobRun == 0)
        {
            for (; k <= scan.End; k++)
            {
                int symbol = Symbol(ref reader, table);
                int run = symbol >> 4, size = symbol & 0x0F, value = 0;
                if (size != 0)
                {
                    if (size != 1)
                    {
                        throw new RenderingException($"The JPEG data refines a coefficient with {size} bits; a refinement scan codes 1 (T.81 §G.1.2.3).");
                    }

                    value = Bits(ref reader, 1) != 0 ? plus : minus;
                }
                else if (run != 15)
                {
                    eobRun = (1 << run) + Bits(ref reader, run);
                    break;
                }

                for (; k <= scan.End; k++)
                {
                    ref short coefficient = ref coefficients[zigZag[k]];
                    if (coefficient != 0)
                    {
                        Correct(ref reader, ref coefficient, plus, minus);
                    }
                    else if (run-- == 0)
                    {
                        break;
                    }
                }

                if (value != 0 && k <= scan.End)
                {
                    coefficients[zigZag[k]] = (short)value;
                }
            }
        }

        if (eobRun > 0)
        {
            for (; k <= scan.End; k++)
            {
                ref short coefficient = ref coefficients[zigZag[k]];
                if (coefficient != 0)
                {
                    Correct(ref reader, ref coefficient, plus, minus);
                }
            }

            eobRun--;
        }
    }

    /// <summary>A correction bit: 1 adds 2^Al to the coefficient's magnitude, unless it has that bit already.</summary>
    private static void Correct(ref JpegBitReader reader, ref short coefficient, int plus, int minus)
    {
        if (Bits(ref reader, 1) != 0 && (coefficient & plus) == 0)
        {
            coefficient += (short)(coefficient >= 0 ? plus : minus);
        }
    }

    private static void Reset(DctFrame dct, int[] indexes)
    {
        foreach (int index in indexes)
        {
            dct.Components[index].DcPrediction = 0;
        }
    }

    private static void CheckOverrun(ref JpegBitReader reader, int row, int rows)
    {
        if (reader.Overrun)
        {
            throw new RenderingException($"The JPEG data ends in MCU row {row + 1} of {rows} of a progressive scan: the frame is truncated or corrupt.");
        }
    }

    /// <summary>The next Huffman-coded value of <paramref name="table"/>.</summary>
    private static int Symbol(ref JpegBitReader reader, JpegHuffmanTable table)
    {
        Ensure(ref reader);
        (int length, int value) = table.Decode(reader.Bits);
        reader.Bits <<= length;
        reader.Available -= length;
        return value;
    }

    /// <summary>The next <paramref name="count"/> bits (0 to 16) as a number.</summary>
    private static int Bits(ref JpegBitReader reader, int count)
    {
        if (count == 0)
        {
            return 0;
        }

        Ensure(ref reader);
        int value = (int)(reader.Bits >> (64 - count));
        reader.Bits <<= count;
        reader.Available -= count;
        return value;
    }

    private static void Ensure(ref JpegBitReader reader)
    {
        if (reader.Available < 32)
        {
            (reader.Bits, reader.Available) = reader.Fill(reader.Bits, reader.Available);
        }
    }

    [DoesNotReturn]
    private static void ThrowRunPastBand() =>
        throw new RenderingException("The JPEG data holds a run of zeros past the end of a spectral band: the frame is corrupt.");
}
