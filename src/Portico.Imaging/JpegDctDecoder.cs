using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Portico.Imaging.Jpeg;

namespace Portico.Imaging;

/// <summary>
/// Decodes one frame of JPEG DCT pixel data: transfer syntaxes 1.2.840.10008.1.2.4.50 (JPEG Baseline, Process 1) and
/// 1.2.840.10008.1.2.4.51 (JPEG Extended, Processes 2 and 4), PS3.5 §8.2.1 and §A.4.1, and the progressive frames of
/// the retired 1.2.840.10008.1.2.4.53 and .55 (Processes 6, 8, 10, 12). The frame is an ITU-T T.81 stream with Huffman
/// coding (Annexes B, F, G): a SOF0, SOF1 or SOF2 frame of 8 or 12 bits precision (8 for SOF0), one component (grey)
/// or several with sampling factors 1 to 4 (4:4:4, 4:2:2, 4:2:0, 4:1:1 ...), in one interleaved scan or several,
/// quantization tables of 8 or 16 bits, restart intervals; progressive frames by spectral selection and successive
/// approximation. The result is native little endian pixel data in the layout's Bits Allocated (8, or 16 for 12-bit
/// samples), samples interleaved (Planar Configuration 0), every component at full resolution (upsampled as libjpeg
/// does, see <see cref="DctFrame"/>): rows × columns × samples × bytes, which for a YBR_FULL_422 layout is more than
/// its <see cref="PixelLayout.FrameBytes"/>. Render it with <see cref="FrameRenderer.Render"/>, <c>planar: false</c>,
/// and the layout <see cref="DecodedLayout"/> gives.
/// </summary>
/// <remarks>
/// <para>
/// Colour components are given as they are coded: the decoder applies no colour transform. A colour JPEG frame in
/// DICOM is YBR_FULL_422 or YBR_FULL (PS3.5 §8.2.1), which <see cref="FrameRenderer"/> converts to RGB; a frame whose
/// Adobe APP14 segment says "no transform" (transform flag 0) with three components holds RGB itself, whatever the
/// data set says. <see cref="DecodedLayout"/> tells the two apart.
/// </para>
/// <para>
/// Samples are those of IJG's libjpeg (DCMTK's dcmdjpeg) within ±1: the inverse DCT is computed in floating point
/// (<see cref="InverseDct"/>), libjpeg's accurate integer one approximates the same sums.
/// </para>
/// <para>
/// Refused, with a <see cref="RenderingException"/> saying why: arithmetic coding (SOF9 to SOF15, DAC), hierarchical
/// frames (SOF5 to SOF7, DHP, EXP), lossless (SOF3, <see cref="JpegLosslessDecoder"/>), a DNL marker, precision other
/// than 8 or 12 bits, sampling factors that are not whole multiples of each other, and malformed input of any kind.
/// Nothing larger than the frame the layout describes (and for a progressive frame, its coefficients) is allocated,
/// and that only once the frame header agrees with the layout and the stream is long enough to hold its blocks.
/// </para>
/// </remarks>
public static class JpegDctDecoder
{
    // T.81 Table B.1: marker codes (the byte after 0xFF) of the DCT processes; the shared ones are JpegSegments's.
    private const byte Sof0 = 0xC0;
    private const byte Sof1 = 0xC1;
    private const byte Sof2 = 0xC2;
    private const byte Dht = 0xC4;
    private const byte Dac = 0xCC;
    private const byte Dqt = 0xDB;
    private const byte Dnl = 0xDC;
    private const byte Dhp = 0xDE;
    private const byte Exp = 0xDF;
    private const byte App14 = 0xEE;

    private static readonly JpegFormat Format = new DctFormat();

    /// <summary>
    /// The layout to render <see cref="Decode"/>'s output with: samples interleaved, a YBR_FULL_422 layout as
    /// YBR_FULL (the decoder upsamples), and three components that the frame's Adobe APP14 segment says are not
    /// transformed (transform flag 0) as RGB, whatever the data set says (pydicom's SC_jpeg_no_color_transform files).
    /// Otherwise the data set's Photometric Interpretation.
    /// </summary>
    public static PixelLayout DecodedLayout(PixelLayout layout, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(layout);
        string photometric = layout.Photometric == "YBR_FULL_422" ? "YBR_FULL" : layout.Photometric;
        if (layout.SamplesPerPixel == 3 && AdobeTransform(frame) == 0)
        {
            photometric = "RGB";
        }

        return layout with { Photometric = photometric, Planar = false };
    }

    /// <exception cref="RenderingException">The frame is malformed, uses a JPEG process other than Huffman-coded sequential or progressive DCT, or disagrees with the layout.</exception>
    public static byte[] Decode(PixelLayout layout, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(layout);
        CheckLayout(layout);
        JpegSegments.CheckStart(frame, Format);

        var tables = new JpegHuffmanTable?[8];
        var quantization = new int[4][];
        DctFrame? dct = null;
        byte[]? output = null;
        int restartInterval = 0;
        int position = 2;
        try
        {
            while (true)
            {
                byte marker = JpegSegments.NextMarker(frame, ref position, Format);
                switch (marker)
                {
                    case Sof0 or Sof1 or Sof2:
                        if (dct is not null)
                        {
                            throw new RenderingException("The JPEG frame has two frame headers (SOF).");
                        }

                        var header = JpegFrameHeader.Read(JpegSegments.Segment(frame, ref position, $"SOF{marker - Sof0}", Format), layout, frame.Length, Format);
                        if (marker == Sof0 && header.Precision != 8)
                        {
                            throw new RenderingException($"The JPEG frame is baseline (SOF0) with samples of {header.Precision} bits; baseline has 8 (T.81 §B.2.2): 12-bit frames are extended (SOF1).");
                        }

                        if (OutputBytes(layout) > Array.MaxLength)
                        {
                            throw new RenderingException($"{layout.Rows} × {layout.Columns} pixels of {layout.SamplesPerPixel} samples are too many to decode.");
                        }

                        dct = DctFrame.Create(header, frame.Length, progressive: marker == Sof2, Format);
                        output = new byte[OutputBytes(layout)];
                        break;
                    case Dht:
                        JpegHuffmanTable.ReadTables(JpegSegments.Segment(frame, ref position, "DHT", Format), tables, Format);
                        break;
                    case Dqt:
                        ReadQuantizationTables(JpegSegments.Segment(frame, ref position, "DQT", Format), quantization);
                        break;
                    case JpegSegments.Dri:
                        restartInterval = JpegSegments.ReadRestartInterval(JpegSegments.Segment(frame, ref position, "DRI", Format), Format);
                        break;
                    case JpegSegments.Sos:
                        if (dct is null)
                        {
                            throw new RenderingException("The JPEG frame has a scan (SOS) before its frame header (SOF).");
                        }

                        DctScan scan = ReadScanHeader(JpegSegments.Segment(frame, ref position, "SOS", Format), dct, tables, quantization);
                        position = dct.Progressive
                            ? ProgressiveScan.Decode(frame, position, dct, scan, restartInterval, Format)
                            : DecodeScan(frame, position, dct, scan, restartInterval);
                        break;
                    case JpegSegments.Eoi:
                        if (dct is null || output is null)
                        {
                            throw new RenderingException("The JPEG frame ends (EOI) without a frame header (SOF).");
                        }

                        if (dct.Progressive)
                        {
                            dct.Header.MarkDecoded([.. Enumerable.Range(0, dct.Components.Length).Where(c => dct.Components[c].HasFirstDcScan)]);
                            dct.Header.CheckAllDecoded(Format);
                            dct.TransformCoefficients();
                        }
                        else
                        {
                            dct.Header.CheckAllDecoded(Format);
                        }

                        dct.WriteOutput(output);
                        return output;
                    case Dnl:
                        throw new RenderingException("The JPEG frame has a DNL marker (its number of lines after the scan), which Portico does not support.");
                    case Dac:
                        throw new RenderingException("The JPEG frame uses arithmetic coding (DAC); Portico decodes Huffman-coded JPEG only.");
                    case Dhp or Exp:
                        throw new RenderingException("The JPEG frame is hierarchical (DHP/EXP), which Portico does not decode.");
                    case JpegSegments.Sof55:
                        throw new RenderingException("The frame is JPEG-LS (SOF55), not JPEG DCT: its transfer syntax does not match its pixel data.");
                    case >= 0xC0 and <= 0xCF:
                        throw new RenderingException(FrameTypeRefusal(marker));
                    default:
                        JpegSegments.SkipOther(frame, ref position, marker, Format);
                        break;
                }
            }
        }
        finally
        {
            dct?.Dispose();
        }
    }

    /// <summary>Bytes of the output: every component at full resolution (a YBR_FULL_422 layout's are subsampled).</summary>
    private static long OutputBytes(PixelLayout layout) => (long)layout.Rows * layout.Columns * layout.SamplesPerPixel * (layout.BitsAllocated / 8);

    /// <summary>Refuses a layout the decoder does not decode to, before the stream is read.</summary>
    private static void CheckLayout(PixelLayout layout)
    {
        if (layout.BitsAllocated is not (8 or 16))
        {
            throw new RenderingException($"JPEG frames are decoded to 8 or 16 bits allocated; the image has {layout.BitsAllocated}.");
        }

        if (layout.Rows < 1 || layout.Columns < 1 || layout.SamplesPerPixel is < 1 or > 4)
        {
            throw new RenderingException("The image has no Rows or Columns, or not 1 to 4 Samples per Pixel.");
        }

    }

    private static string FrameTypeRefusal(byte marker) => marker switch
    {
        JpegSegments.Sof3 => "The frame is JPEG Lossless (SOF3), not JPEG DCT: its transfer syntax does not match its pixel data.",
        0xC5 or 0xC6 or 0xC7 => $"The JPEG frame is hierarchical (SOF{marker - 0xC0}), which Portico does not decode.",
        0xC8 => "The JPEG frame uses a reserved extension (JPG, FF C8), which Portico does not decode.",
        _ => $"The JPEG frame uses arithmetic coding (SOF{marker - 0xC0}); Portico decodes Huffman-coded JPEG only.",
    };

    /// <summary>The transform flag of the frame's Adobe APP14 segment (0 none, 1 YCbCr, 2 YCCK), or -1 without one; read up to the first scan.</summary>
    private static int AdobeTransform(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 4 || frame[0] != 0xFF || frame[1] != JpegSegments.Soi)
        {
            return -1;
        }

        int position = 2;
        while (position + 4 <= frame.Length && frame[position] == 0xFF)
        {
            byte marker = frame[position + 1];
            if (marker == 0xFF)
            {
                position++;
                continue;
            }

            if (marker is JpegSegments.Sos or JpegSegments.Eoi or JpegSegments.Tem or (>= JpegSegments.Rst0 and <= JpegSegments.Rst7))
            {
                return -1;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(frame[(position + 2)..]);
            if (length < 2 || position + 2 + length > frame.Length)
            {
                return -1;
            }

            // "Adobe", version (2 bytes), flags0 (2), flags1 (2), transform (1).
            ReadOnlySpan<byte> segment = frame.Slice(position + 4, length - 2);
            if (marker == App14 && segment.Length >= 12 && segment.StartsWith("Adobe"u8))
            {
                return segment[11];
            }

            position += 2 + length;
        }

        return -1;
    }

    /// <summary>T.81 §B.2.4.1: one or more tables, each Pq/Tq then 64 values of 8 (Pq 0) or 16 bits (Pq 1) in zig-zag order.</summary>
    private static void ReadQuantizationTables(ReadOnlySpan<byte> segment, int[][] tables)
    {
        while (segment.Length > 0)
        {
            int precision = segment[0] >> 4, id = segment[0] & 0x0F;
            if (precision > 1 || id > 3)
            {
                throw new RenderingException($"The JPEG frame defines quantization table {id} of precision {precision}; T.81 allows tables 0 to 3 of 8 (0) or 16 bits (1).");
            }

            int size = 1 + (64 << precision);
            if (segment.Length < size)
            {
                throw new RenderingException($"Quantization table {id} (DQT) of the JPEG frame is cut short.");
            }

            int[] table = tables[id] ??= new int[64];
            for (int k = 0; k < 64; k++)
            {
                table[DctScan.ZigZag[k]] = precision == 0 ? segment[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(segment[(1 + (2 * k))..]);
            }

            segment = segment[size..];
        }
    }

    /// <summary>
    /// T.81 §B.2.3: Ns, per component its id and DC and AC tables, then Ss, Se, Ah and Al. A sequential scan codes
    /// every coefficient (Ss, Se, Ah, Al are ignored); an interleaved scan's MCU has at most 10 blocks. A progressive
    /// scan (§G.1.1.1.1) codes the DC coefficients of one or more components or a band of AC coefficients of one, first
    /// or as a refinement by one bit (Al = Ah - 1). Only the tables the scan codes with must be defined.
    /// </summary>
    private static DctScan ReadScanHeader(ReadOnlySpan<byte> segment, DctFrame dct, JpegHuffmanTable?[] tables, int[][] quantization)
    {
        JpegSegments.CheckScanHeader(segment, Format);
        int count = segment[0];
        int start = segment[1 + (2 * count)], end = segment[2 + (2 * count)];
        int high = segment[3 + (2 * count)] >> 4, low = segment[3 + (2 * count)] & 0x0F;
        bool progressive = dct.Progressive;
        if (progressive)
        {
            CheckProgression(count, start, end, high, low);
        }

        // Sequential scans have both tables; progressive DC scans a DC table when first, none when refining; AC scans an AC table.
        bool needsDc = !progressive || (start == 0 && high == 0);
        bool needsAc = !progressive || start > 0;
        var components = new int[count];
        var dc = new JpegHuffmanTable?[count];
        var ac = new JpegHuffmanTable?[count];
        var quantizers = new int[count][];
        int blocks = 0;
        for (int k = 0; k < count; k++)
        {
            int index = dct.Header.ScanComponent(segment[1 + (2 * k)], components.AsSpan(0, k), Format);
            DctComponent component = dct.Components[index];
            int dcTable = segment[2 + (2 * k)] >> 4, acTable = segment[2 + (2 * k)] & 0x0F;
            dc[k] = !needsDc ? null : (dcTable < 4 ? tables[dcTable] : null)
                ?? throw new RenderingException($"A scan of the JPEG frame uses DC Huffman table {dcTable}, which no DHT segment before it defines.");
            ac[k] = !needsAc ? null : (acTable < 4 ? tables[4 + acTable] : null)
                ?? throw new RenderingException($"A scan of the JPEG frame uses AC Huffman table {acTable}, which no DHT segment before it defines.");
            int[] table = quantization[component.QuantizationTable]
                ?? throw new RenderingException($"Component {component.Id} of the JPEG frame uses quantization table {component.QuantizationTable}, which no DQT segment before its scan defines.");

            // A progressive frame is dequantized at its end, with the table its component's first scan found (as libjpeg).
            quantizers[k] = progressive ? component.Quantizer ??= (int[])table.Clone() : table;
            components[k] = index;
            blocks += component.Horizontal * component.Vertical;
        }

        if (count > 1 && blocks > 10)
        {
            throw new RenderingException($"An interleaved scan of the JPEG frame has {blocks} blocks in its MCU; T.81 §B.2.3 allows at most 10.");
        }

        // A sequential frame has one scan per component; a progressive one many, of which a first DC scan is needed.
        if (!progressive)
        {
            dct.Header.MarkDecoded(components);
        }
        else if (start == 0 && high == 0)
        {
            foreach (int index in components)
            {
                dct.Components[index].HasFirstDcScan = true;
            }
        }

        return new DctScan(components, dc, ac, quantizers, start, end, high, low);
    }

    /// <summary>T.81 §G.1.1.1.1 and §B.2.3: the spectral selection and successive approximation a progressive scan may have.</summary>
    private static void CheckProgression(int count, int start, int end, int high, int low)
    {
        if (start == 0 ? end != 0 : end < start || end > 63 || count != 1)
        {
            throw new RenderingException($"A progressive scan of the JPEG frame has spectral selection {start} to {end} for {count} component{(count == 1 ? "" : "s")}: a scan codes the DC coefficients (0 to 0) or a band of AC coefficients (1 to 63) of one component.");
        }

        if (low > 13 || (high != 0 && low != high - 1))
        {
            throw new RenderingException($"A progressive scan of the JPEG frame has successive approximation {high}/{low}: a refinement codes one bit (Al = Ah - 1), Al at most 13.");
        }
    }

    /// <summary>
    /// Decodes one sequential scan (T.81 §F.2.2) into the components' planes and returns the offset of the marker after
    /// it. An interleaved scan's MCU holds H × V blocks of each of its components (§A.2.3); a scan of one component
    /// takes its blocks one at a time, ⌈xi / 8⌉ across (§A.2.2).
    /// </summary>
    private static int DecodeScan(ReadOnlySpan<byte> frame, int position, DctFrame dct, DctScan scan, int restartInterval)
    {
        int[] indexes = scan.Components;
        bool interleaved = indexes.Length > 1;
        DctComponent first = dct.Components[indexes[0]];
        int mcusPerLine = interleaved ? dct.McusPerLine : first.ScanBlocksPerLine;
        int mcuRows = interleaved ? dct.McuRows : first.ScanBlocksPerColumn;

        Span<int> block = stackalloc int[64];
        var reader = new JpegBitReader(frame, position, Format);
        foreach (int index in indexes)
        {
            dct.Components[index].DcPrediction = 0;
        }

        int restarts = 0;
        long sinceRestart = 0;
        for (int row = 0; row < mcuRows; row++)
        {
            for (int column = 0; column < mcusPerLine; column++)
            {
                if (restartInterval > 0 && sinceRestart == restartInterval)
                {
                    if (reader.Overrun)
                    {
                        ThrowTruncated(row, mcuRows);
                    }

                    reader.Restart(restarts & 7);
                    restarts++;
                    sinceRestart = 0;
                    foreach (int index in indexes)
                    {
                        dct.Components[index].DcPrediction = 0;
                    }
                }

                for (int k = 0; k < indexes.Length; k++)
                {
                    DctComponent component = dct.Components[indexes[k]];
                    if (!interleaved)
                    {
                        DecodeBlock(ref reader, scan, k, component, block, dct, column, row);
                        continue;
                    }

                    for (int v = 0; v < component.Vertical; v++)
                    {
                        for (int h = 0; h < component.Horizontal; h++)
                        {
                            DecodeBlock(ref reader, scan, k, component, block, dct, (column * component.Horizontal) + h, (row * component.Vertical) + v);
                        }
                    }
                }

                sinceRestart++;
            }

            if (reader.Overrun)
            {
                ThrowTruncated(row, mcuRows);
            }
        }

        return reader.EndOfScan();
    }

    /// <summary>
    /// Decodes one block (T.81 §F.2.2.1 to §F.2.2.2): the DC difference, then the AC coefficients by run and size until
    /// EOB or the 63rd; dequantizes them (§A.3.4) in natural order and transforms the block into the component's plane.
    /// </summary>
    private static void DecodeBlock(ref JpegBitReader reader, DctScan scan, int k, DctComponent component, scoped Span<int> block, DctFrame dct, int blockColumn, int blockRow)
    {
        ulong bits = reader.Bits;
        int available = reader.Available;
        int[] quantizer = scan.Quantizers[k];
        block.Clear();

        // At most 16 bits of code and 15 of extra bits.
        if (available < 32)
        {
            (bits, available) = reader.Fill(bits, available);
        }

        JpegHuffmanTable dcTable = scan.Dc[k]!;
        int entry = dcTable.Fast[(int)(bits >> (64 - JpegHuffmanTable.LookupBits))];
        int difference;
        if (entry != 0)
        {
            difference = entry >> 16;
            int taken = entry & 0xFF;
            bits <<= taken;
            available -= taken;
        }
        else
        {
            (int length, int size) = dcTable.Decode(bits);
            if (size > 15)
            {
                ThrowBadDcSize(size);
            }

            bits <<= length;
            difference = Extend(bits, size);
            bits <<= size;
            available -= length + size;
        }

        int dc = component.DcPrediction + difference;
        component.DcPrediction = dc;
        block[0] = dc * quantizer[0];

        JpegHuffmanTable acTable = scan.Ac[k]!;
        int[] fast = acTable.Fast;
        bool acPresent = false;
        for (int i = 1; i < 64;)
        {
            if (available < 32)
            {
                (bits, available) = reader.Fill(bits, available);
            }

            int run, size, value;
            entry = fast[(int)(bits >> (64 - JpegHuffmanTable.LookupBits))];
            if (entry != 0)
            {
                int taken = entry & 0xFF;
                bits <<= taken;
                available -= taken;
                run = (entry >> 8) & 0x0F;
                size = (entry >> 12) & 0x0F;
                value = entry >> 16;
            }
            else
            {
                (int length, int symbol) = acTable.Decode(bits);
                bits <<= length;
                available -= length;
                run = symbol >> 4;
                size = symbol & 0x0F;
                value = Extend(bits, size);
                bits <<= size;
                available -= size;
            }

            if (size == 0)
            {
                if (run != 15)
                {
                    break;
                }

                // ZRL: sixteen zeros.
                i += 16;
                continue;
            }

            i += run;
            if (i > 63)
            {
                ThrowRunPastBlock();
            }

            int natural = DctScan.ZigZag[i];
            block[natural] = value * quantizer[natural];
            acPresent = true;
            i++;
        }

        reader.Bits = bits;
        reader.Available = available;
        int offset = (blockRow * 8 * component.Stride) + (blockColumn * 8);
        if (acPresent)
        {
            InverseDct.Transform(block, component.Plane, offset, component.Stride, dct.Level, dct.Max);
        }
        else
        {
            InverseDct.TransformDc(block[0], component.Plane, offset, component.Stride, dct.Level, dct.Max);
        }
    }

    /// <summary>
    /// T.81 §F.2.2.1 EXTEND: the value of category <paramref name="size"/> whose extra bits are the top bits of
    /// <paramref name="bits"/>: a leading 0 bit means a negative one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Extend(ulong bits, int size)
    {
        if (size == 0)
        {
            return 0;
        }

        int value = (int)(bits >> (64 - size));
        return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
    }

    [DoesNotReturn]
    private static void ThrowTruncated(int row, int rows) =>
        throw new RenderingException($"The JPEG data ends in MCU row {row + 1} of {rows}: the frame is truncated or corrupt.");

    [DoesNotReturn]
    private static void ThrowBadDcSize(int size) =>
        throw new RenderingException($"The JPEG data holds a DC difference of {size} bits; T.81 allows at most 15.");

    [DoesNotReturn]
    private static void ThrowRunPastBlock() =>
        throw new RenderingException("The JPEG data holds a run of zeros past the end of a block: the frame is corrupt.");

    /// <summary>T.81's DCT marker stream for <see cref="JpegSegments"/> and <see cref="JpegFrameHeader"/>.</summary>
    private sealed class DctFormat() : JpegFormat("JPEG", "SOF", "T.81", "T.81 DCT", lowestMarker: 0x01, longRestartIntervals: false)
    {
        public override bool Subsampling => true;

        public override void CheckPrecision(int precision)
        {
            if (precision is not (8 or 12))
            {
                throw new RenderingException($"The JPEG frame has samples of {precision} bits; the DCT processes have 8 or 12.");
            }
        }

        public override void CheckDimensions(int rows, int columns)
        {
            if (rows == 0)
            {
                throw new RenderingException("The JPEG frame leaves its number of lines to a DNL marker, which Portico does not support.");
            }

            if (columns == 0)
            {
                throw new RenderingException("The JPEG frame has 0 samples per line.");
            }
        }

        /// <summary>
        /// A first bound, before the sampling factors are looked at: every component has at least one block per 32 × 32
        /// samples (sampled 1 in 4 each way at worst), and every block takes at least one bit. <see cref="DctFrame"/>
        /// checks the exact count.
        /// </summary>
        public override void CheckStreamLength(int rows, int columns, int count, int frameLength)
        {
            long blocks = (long)((columns + 31) / 32) * ((rows + 31) / 32) * count;
            if (blocks > 8L * frameLength)
            {
                throw new RenderingException($"The JPEG frame holds {frameLength:N0} bytes, too few for the {columns} × {rows} × {count} samples its header claims.");
            }
        }
    }
}
