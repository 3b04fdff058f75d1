using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Portico.Imaging;

/// <summary>
/// Decodes one frame of JPEG-LS pixel data: transfer syntaxes 1.2.840.10008.1.2.4.80 (JPEG-LS Lossless) and
/// 1.2.840.10008.1.2.4.81 (JPEG-LS Lossy, near-lossless), PS3.5 §8.2.3 and §A.4.3. The frame is an ISO/IEC 14495-1
/// (ITU-T T.87) stream: a SOF55 frame of 2 to 16 bits precision with one component (grey) or three (colour) sampled
/// 1 × 1, scans of any interleave mode (none, line, sample) with any NEAR, preset coding parameters (LSE type 1) or the
/// default ones for the MAXVAL and NEAR, and restart intervals. Colour components are kept as they are (no colour
/// transform). The result is native little endian pixel data in the layout's Bits Allocated (8 or 16), samples
/// interleaved (Planar Configuration 0), ready for <see cref="FrameRenderer.Render"/> with <c>planar: false</c>.
/// </summary>
/// <remarks>
/// <para>
/// Malformed input of any kind is a <see cref="RenderingException"/>. Nothing larger than the frame the layout
/// describes is allocated, and that only once the stream's header agrees with the layout and the stream is long
/// enough to hold the image. JPEG-LS's run mode codes up to 2^15 samples of a line with one bit (T.87 §A.7.1, J = 15),
/// so the bound is per line, not per sample: every line of the image takes at least one bit (its first sample starts a
/// run, whose code is at least one bit, or is a regular sample, whose Golomb code ends with a 1 bit), and one more for
/// each further 32,768 samples of it. That is what a flat image genuinely costs, so a stream that passes the bound
/// may still describe up to about 200,000 times its size in pixels: the layout's frame size is the real limit.
/// </para>
/// <para>Mapping tables (LSE types 2 and 3, and scans that select one), LSE type 4 and a point transform are refused.</para>
/// </remarks>
public static class JpegLsDecoder
{
    // T.87 Table C.1: marker codes (the byte after 0xFF) of JPEG-LS's own; the shared ones are JpegSegments's.
    private const byte App8 = 0xE8;

    /// <summary>JPEG-LS preset parameters (T.87 §C.2.4).</summary>
    private const byte Lse = 0xF8;

    /// <summary>The most samples one bit of run mode codes: 2^J with J = 15 (T.87 Table A.1's last entry).</summary>
    private const int LongestRunPerBit = 1 << 15;

    private static readonly JpegFormat Format = new LsFormat();

    /// <exception cref="RenderingException">The frame is malformed, is not JPEG-LS, uses what Portico does not decode, or disagrees with the layout.</exception>
    public static byte[] Decode(PixelLayout layout, ReadOnlySpan<byte> frame)
    {
        ArgumentNullException.ThrowIfNull(layout);
        JpegSegments.CheckLayout(layout, Format);
        JpegSegments.CheckStart(frame, Format);

        JpegFrameHeader? header = null;
        byte[]? output = null;
        var preset = new PresetParameters(0, 0, 0, 0, 0);
        int restartInterval = 0;
        int position = 2;
        while (true)
        {
            byte marker = JpegSegments.NextMarker(frame, ref position, Format);
            switch (marker)
            {
                case JpegSegments.Sof55:
                    if (header is not null)
                    {
                        throw new RenderingException("The JPEG-LS frame has two frame headers (SOF55).");
                    }

                    header = JpegFrameHeader.Read(JpegSegments.Segment(frame, ref position, "SOF55", Format), layout, frame.Length, Format);
                    output = new byte[layout.FrameBytes];
                    break;
                case Lse:
                    preset = ReadPresetParameters(JpegSegments.Segment(frame, ref position, "LSE", Format));
                    break;
                case JpegSegments.Dri:
                    restartInterval = JpegSegments.ReadRestartInterval(JpegSegments.Segment(frame, ref position, "DRI", Format), Format);
                    break;
                case JpegSegments.Sos:
                    if (header is null || output is null)
                    {
                        throw new RenderingException("The JPEG-LS frame has a scan (SOS) before its frame header (SOF55).");
                    }

                    ScanDecoder scan = ReadScanHeader(JpegSegments.Segment(frame, ref position, "SOS", Format), header, preset);
                    position = DecodeScan(frame, position, header, scan, restartInterval, output);
                    break;
                case JpegSegments.Eoi:
                    if (header is null || output is null)
                    {
                        throw new RenderingException("The JPEG-LS frame ends (EOI) without a frame header (SOF55).");
                    }

                    header.CheckAllDecoded(Format);
                    return output;
                case App8:
                    CheckColourTransform(JpegSegments.Segment(frame, ref position, "APP8", Format));
                    break;
                case JpegSegments.Sof3:
                    throw new RenderingException("The frame is JPEG Lossless (SOF3), not JPEG-LS (SOF55): its transfer syntax does not match its pixel data.");
                case >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    throw new RenderingException($"The frame is JPEG (SOF{marker - 0xC0}), not JPEG-LS (SOF55): its transfer syntax does not match its pixel data.");
                default:
                    // APPn, COM, DHT, DQT, DNL and reserved markers carry nothing the decoding needs.
                    JpegSegments.SkipOther(frame, ref position, marker, Format);
                    break;
            }
        }
    }

    /// <summary>
    /// T.87 §C.2.4.1: an LSE segment. Type 1 (preset coding parameters MAXVAL, T1, T2, T3, RESET, each 0 for its
    /// default) replaces the earlier ones; mapping tables (types 2, 3) and oversize dimensions (type 4) are refused.
    /// </summary>
    private static PresetParameters ReadPresetParameters(ReadOnlySpan<byte> segment)
    {
        if (segment.Length < 1)
        {
            throw new RenderingException("The preset parameters (LSE) of the JPEG-LS frame are empty.");
        }

        switch (segment[0])
        {
            case 1:
                if (segment.Length != 11)
                {
                    throw new RenderingException($"The preset coding parameters (LSE type 1) of the JPEG-LS frame have {segment.Length - 1} bytes; T.87 §C.2.4.1.1 has 10.");
                }

                return new PresetParameters(
                    BinaryPrimitives.ReadUInt16BigEndian(segment[1..]),
                    BinaryPrimitives.ReadUInt16BigEndian(segment[3..]),
                    BinaryPrimitives.ReadUInt16BigEndian(segment[5..]),
                    BinaryPrimitives.ReadUInt16BigEndian(segment[7..]),
                    BinaryPrimitives.ReadUInt16BigEndian(segment[9..]));
            case 2 or 3:
                throw new RenderingException($"The JPEG-LS frame defines a mapping table (LSE type {segment[0]}, T.87 §C.2.4.1.2), which Portico does not support.");
            case 4:
                throw new RenderingException("The JPEG-LS frame has oversize image dimensions (LSE type 4), which Portico does not support.");
            default:
                throw new RenderingException($"The JPEG-LS frame has an LSE segment of type {segment[0]}; T.87 defines types 1 to 4.");
        }
    }

    /// <summary>
    /// CharLS and HP write an APP8 "mrfx" segment naming a colour transform applied before coding. Transform 0 is none;
    /// the others would need undoing, which Portico does not do.
    /// </summary>
    private static void CheckColourTransform(ReadOnlySpan<byte> segment)
    {
        if (segment.Length >= 5 && segment[..4].SequenceEqual("mrfx"u8) && segment[4] != 0)
        {
            throw new RenderingException($"The JPEG-LS frame uses the HP colour transform {segment[4]} (APP8 mrfx), which Portico does not support.");
        }
    }

    /// <summary>T.87 §C.2.3: Ns, per component its id and mapping table (0: none), then NEAR, ILV and the point transform.</summary>
    private static ScanDecoder ReadScanHeader(ReadOnlySpan<byte> segment, JpegFrameHeader header, PresetParameters preset)
    {
        JpegSegments.CheckScanHeader(segment, Format);
        int count = segment[0];
        var components = new int[count];
        for (int k = 0; k < count; k++)
        {
            byte id = segment[1 + (2 * k)];
            int index = header.ScanComponent(id, components.AsSpan(0, k), Format);
            if (segment[2 + (2 * k)] != 0)
            {
                throw new RenderingException($"Component {id} of the JPEG-LS frame uses mapping table {segment[2 + (2 * k)]}, which Portico does not support.");
            }

            components[k] = index;
        }

        int near = segment[1 + (2 * count)];
        int interleave = segment[2 + (2 * count)];
        int pointTransform = segment[3 + (2 * count)];
        if (interleave > 2)
        {
            throw new RenderingException($"A scan of the JPEG-LS frame has interleave mode {interleave}; T.87 defines 0 (none), 1 (line) and 2 (sample).");
        }

        if (interleave == 0 && count > 1)
        {
            throw new RenderingException($"A scan of the JPEG-LS frame has {count} components without interleaving (ILV 0); T.87 §C.2.3 allows only one.");
        }

        if (pointTransform != 0)
        {
            throw new RenderingException($"A scan of the JPEG-LS frame has point transform {pointTransform & 0x0F} (byte {pointTransform:X2}), which Portico does not support.");
        }

        int maxValue = preset.MaxValue != 0 ? preset.MaxValue : (1 << header.Precision) - 1;
        if (maxValue >= 1 << header.Precision)
        {
            throw new RenderingException($"The JPEG-LS frame has MAXVAL {maxValue} (LSE), more than its {header.Precision}-bit samples hold.");
        }

        if (near > Math.Min(255, maxValue / 2))
        {
            throw new RenderingException($"A scan of the JPEG-LS frame has NEAR {near}; with MAXVAL {maxValue}, T.87 §C.2.3 allows at most {Math.Min(255, maxValue / 2)}.");
        }

        (int t1, int t2, int t3) = DefaultThresholds(maxValue, near);
        t1 = preset.T1 != 0 ? preset.T1 : t1;
        t2 = preset.T2 != 0 ? preset.T2 : t2;
        t3 = preset.T3 != 0 ? preset.T3 : t3;
        if (t1 < near + 1 || t1 > t2 || t2 > t3 || t3 > maxValue)
        {
            throw new RenderingException($"The JPEG-LS frame has thresholds T1 {t1}, T2 {t2}, T3 {t3} (LSE); T.87 §C.2.4.1.1 needs NEAR + 1 ({near + 1}) ≤ T1 ≤ T2 ≤ T3 ≤ MAXVAL ({maxValue}).");
        }

        int reset = preset.Reset != 0 ? preset.Reset : 64;
        if (reset < 3 || reset > Math.Max(255, maxValue))
        {
            throw new RenderingException($"The JPEG-LS frame has RESET {reset} (LSE); T.87 §C.2.4.1.1 allows 3 to {Math.Max(255, maxValue)}.");
        }

        header.MarkDecoded(components);
        return new ScanDecoder(components, interleave, header.Columns, maxValue, near, t1, t2, t3, reset);
    }

    /// <summary>T.87 §C.2.4.1.1.1: the default thresholds for <paramref name="maxValue"/> and <paramref name="near"/>.</summary>
    private static (int T1, int T2, int T3) DefaultThresholds(int maxValue, int near)
    {
        const int Basic1 = 3, Basic2 = 7, Basic3 = 21;
        int t1, t2, t3;
        if (maxValue >= 128)
        {
            int factor = (Math.Min(maxValue, 4095) + 128) / 256;
            t1 = Clamp((factor * (Basic1 - 2)) + 2 + (3 * near), near + 1);
            t2 = Clamp((factor * (Basic2 - 3)) + 3 + (5 * near), t1);
            t3 = Clamp((factor * (Basic3 - 4)) + 4 + (7 * near), t2);
        }
        else
        {
            int factor = 256 / (maxValue + 1);
            t1 = Clamp(Math.Max(2, (Basic1 / factor) + (3 * near)), near + 1);
            t2 = Clamp(Math.Max(3, (Basic2 / factor) + (5 * near)), t1);
            t3 = Clamp(Math.Max(4, (Basic3 / factor) + (7 * near)), t2);
        }

        return (t1, t2, t3);

        int Clamp(int value, int least) => value > maxValue || value < least ? least : value;
    }

    /// <summary>
    /// Decodes one scan into <paramref name="output"/> and returns the offset of the marker after it. Each component's
    /// lines are decoded into two buffers (the previous and the current line) with a sample of margin at each end, as
    /// T.87 §A.2.1 defines the neighbours at the edges.
    /// </summary>
    private static int DecodeScan(ReadOnlySpan<byte> frame, int position, JpegFrameHeader header, ScanDecoder scan, int restartInterval, byte[] output)
    {
        int rows = header.Rows, columns = header.Columns, count = scan.Components.Length;
        var previous = new int[count][];
        var current = new int[count][];
        try
        {
            for (int k = 0; k < count; k++)
            {
                previous[k] = ArrayPool<int>.Shared.Rent(columns + 2);
                current[k] = ArrayPool<int>.Shared.Rent(columns + 2);
                Array.Clear(previous[k], 0, columns + 2);
                Array.Clear(current[k], 0, columns + 2);
            }

            // A restart interval counts lines (T.87 §C.2.5: an MCU of JPEG-LS is a line of the scan's components).
            int linesPerInterval = restartInterval > 0 && restartInterval < rows ? restartInterval : rows;
            var reader = new BitReader(frame, position);
            int restarts = 0;
            for (int row = 0; row < rows; row++)
            {
                if (row > 0 && row % linesPerInterval == 0)
                {
                    // T.87 §D.2: the decoder starts over, as at the first line of the scan.
                    reader.Restart(restarts & 7);
                    restarts++;
                    scan.Reset();
                    for (int k = 0; k < count; k++)
                    {
                        Array.Clear(previous[k], 0, columns + 2);
                    }
                }

                if (scan.Interleave == 2 && count > 1)
                {
                    scan.DecodeSampleInterleavedLine(ref reader, previous, current);
                }
                else
                {
                    for (int k = 0; k < count; k++)
                    {
                        scan.DecodeLine(ref reader, previous[k], current[k], k);
                    }
                }

                if (reader.Overrun)
                {
                    throw new RenderingException($"The JPEG-LS data ends in line {row + 1} of {rows}: the frame is truncated or corrupt.");
                }

                StoreRow(scan.Components, header, row, current, output);
                (previous, current) = (current, previous);
            }

            return reader.EndOfScan();
        }
        finally
        {
            for (int k = 0; k < count; k++)
            {
                Return(previous[k]);
                Return(current[k]);
            }
        }
    }

    private static void Return(int[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the scan's components of line <paramref name="row"/> (each at offset 1 of its buffer) into the interleaved output.</summary>
    private static void StoreRow(int[] components, JpegFrameHeader header, int row, int[][] lines, byte[] output)
    {
        int columns = header.Columns, stride = header.Components.Length;
        int start = row * columns * stride;
        for (int k = 0; k < components.Length; k++)
        {
            JpegSegments.WriteSamples(lines[k].AsSpan(1, columns), 1, output, start + components[k], stride, header.BytesPerSample, shift: 0);
        }
    }

    [DoesNotReturn]
    private static void ThrowBadCode() =>
        throw new RenderingException("The JPEG-LS data holds a Golomb code longer than its limit or a value out of range: the frame is corrupt or truncated.");

    [DoesNotReturn]
    private static void ThrowBadRun() =>
        throw new RenderingException("The JPEG-LS data holds a run longer than the rest of its line: the frame is corrupt.");

    /// <summary>LSE type 1's values as given, 0 meaning the default (T.87 §C.2.4.1.1).</summary>
    private readonly record struct PresetParameters(int MaxValue, int T1, int T2, int T3, int Reset);

    /// <summary>
    /// One scan's coding parameters and its context variables (T.87 §A.2, §A.8): A, B, C and N of the 365 regular
    /// contexts, then A, N and Nn of the two run interruption contexts, and each component's RUNindex. The contexts are
    /// shared by the scan's components (T.87 §B.3); the RUNindex is each component's own, except in sample interleaving,
    /// where runs are of whole pixels.
    /// </summary>
    private sealed class ScanDecoder
    {
        private const int RegularContexts = 365;
        private const int MinC = -128;
        private const int MaxC = 127;

        /// <summary>T.87 Table A.1: J[RUNindex], the order of the run lengths coded by one bit.</summary>
        private static readonly int[] J = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15];

        private readonly int _columns;
        private readonly int _maxValue;
        private readonly int _near;
        private readonly int _range;
        private readonly int _qbpp;
        private readonly int _limit;
        private readonly int _reset;
        private readonly int _step;
        private readonly int _initialA;

        /// <summary>Q1, Q2 or Q3 (T.87 §A.3.3) of a gradient d, at d + <see cref="_threshold3"/> with d clamped to ±T3.</summary>
        private readonly sbyte[] _quantized;
        private readonly int _threshold3;

        private readonly int[] _a = new int[RegularContexts + 2];
        private readonly int[] _b = new int[RegularContexts];
        private readonly int[] _c = new int[RegularContexts];
        private readonly int[] _n = new int[RegularContexts + 2];
        private readonly int[] _nn = new int[2];
        private readonly int[] _runIndex;

        public ScanDecoder(int[] components, int interleave, int columns, int maxValue, int near, int t1, int t2, int t3, int reset)
        {
            Components = components;
            Interleave = interleave;
            _columns = columns;
            _maxValue = maxValue;
            _near = near;
            _reset = reset;
            _step = (2 * near) + 1;

            // T.87 §A.2.1: RANGE, qbpp, bpp and LIMIT.
            _range = ((maxValue + (2 * near)) / _step) + 1;
            _qbpp = 32 - BitOperations.LeadingZeroCount((uint)(_range - 1));
            int bpp = Math.Max(2, 32 - BitOperations.LeadingZeroCount((uint)maxValue));
            _limit = 2 * (bpp + Math.Max(8, bpp));
            _initialA = Math.Max(2, (_range + 32) / 64);
            _runIndex = new int[components.Length];

            _threshold3 = t3;
            _quantized = new sbyte[(2 * t3) + 1];
            for (int d = -t3; d <= t3; d++)
            {
                _quantized[d + t3] = (sbyte)(d <= -t3 ? -4 : d <= -t2 ? -3 : d <= -t1 ? -2 : d < -near ? -1 : d <= near ? 0 : d < t1 ? 1 : d < t2 ? 2 : d < t3 ? 3 : 4);
            }

            Reset();
        }

        /// <summary>The frame indexes of the scan's components.</summary>
        public int[] Components { get; }

        /// <summary>ILV: 0 none, 1 line, 2 sample.</summary>
        public int Interleave { get; }

        /// <summary>T.87 §A.2.1: the context variables' initial values, at the start of the scan and of each restart interval.</summary>
        public void Reset()
        {
            Array.Fill(_a, _initialA);
            Array.Fill(_n, 1);
            Array.Clear(_b);
            Array.Clear(_c);
            Array.Clear(_nn);
            Array.Clear(_runIndex);
        }

        /// <summary>
        /// One line of one component (T.87 §A.2 to §A.7): <paramref name="current"/>[1..columns] from the line above in
        /// <paramref name="previous"/>. Sample 0 and columns + 1 of each are the neighbours beyond the edges.
        /// </summary>
        public void DecodeLine(ref BitReader reader, int[] previous, int[] current, int component)
        {
            int columns = _columns;
            previous[columns + 1] = previous[columns];
            current[0] = previous[1];
            int runIndex = _runIndex[component];
            int x = 1;
            while (x <= columns)
            {
                int ra = current[x - 1], rb = previous[x], rc = previous[x - 1], rd = previous[x + 1];
                int q = Context(rd - rb, rb - rc, rc - ra);
                if (q != 0)
                {
                    current[x] = DecodeRegular(ref reader, q, ra, rb, rc);
                    x++;
                    continue;
                }

                // Run mode (T.87 §A.7): samples equal to Ra, then maybe an interruption sample.
                int run = DecodeRun(ref reader, columns - x + 1, ref runIndex);
                current.AsSpan(x, run).Fill(ra);
                x += run;
                if (x <= columns)
                {
                    rb = previous[x];
                    int riType = Math.Abs(ra - rb) <= _near ? 1 : 0;
                    int error = DecodeInterruption(ref reader, riType, runIndex);
                    current[x] = riType == 1 ? Fix(ra + (error * _step)) : Fix(rb + ((ra > rb ? -error : error) * _step));
                    runIndex = Math.Max(0, runIndex - 1);
                    x++;
                }
            }

            _runIndex[component] = runIndex;
        }

        /// <summary>
        /// One line of every component, sample interleaved (T.87 §B.3): each pixel in regular mode component by
        /// component, unless every component's gradients are within NEAR, which starts a run of whole pixels. A run's
        /// interruption pixel codes each component with the first run interruption context, from the sample above.
        /// </summary>
        public void DecodeSampleInterleavedLine(ref BitReader reader, int[][] previous, int[][] current)
        {
            int columns = _columns, count = Components.Length;
            Span<int> contexts = stackalloc int[4];
            for (int k = 0; k < count; k++)
            {
                previous[k][columns + 1] = previous[k][columns];
                current[k][0] = previous[k][1];
            }

            int x = 1;
            while (x <= columns)
            {
                bool run = true;
                for (int k = 0; k < count; k++)
                {
                    int[] above = previous[k];
                    int ra = current[k][x - 1], rb = above[x], rc = above[x - 1];
                    contexts[k] = Context(above[x + 1] - rb, rb - rc, rc - ra);
                    run &= contexts[k] == 0;
                }

                if (!run)
                {
                    for (int k = 0; k < count; k++)
                    {
                        int[] above = previous[k];
                        current[k][x] = DecodeRegular(ref reader, contexts[k], current[k][x - 1], above[x], above[x - 1]);
                    }

                    x++;
                    continue;
                }

                int length = DecodeRun(ref reader, columns - x + 1, ref _runIndex[0]);
                for (int k = 0; k < count; k++)
                {
                    current[k].AsSpan(x, length).Fill(current[k][x - 1]);
                }

                x += length;
                if (x <= columns)
                {
                    for (int k = 0; k < count; k++)
                    {
                        int ra = current[k][x - 1], rb = previous[k][x];
                        int error = DecodeInterruption(ref reader, 0, _runIndex[0]);
                        current[k][x] = Fix(rb + ((ra > rb ? -error : error) * _step));
                    }

                    _runIndex[0] = Math.Max(0, _runIndex[0] - 1);
                    x++;
                }
            }
        }

        /// <summary>
        /// T.87 §A.3: the context of the gradients, Q1 × 81 + Q2 × 9 + Q3, from -364 to 364; 0 means run mode. Its
        /// magnitude is the context and its sign the SIGN of §A.3.4 (the sign of the first non-zero Qi).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Context(int d1, int d2, int d3)
        {
            int t = _threshold3;
            sbyte[] quantized = _quantized;
            return (quantized[Math.Clamp(d1, -t, t) + t] * 81) + (quantized[Math.Clamp(d2, -t, t) + t] * 9) + quantized[Math.Clamp(d3, -t, t) + t];
        }

        /// <summary>A sample in regular mode (T.87 §A.4 to §A.6): prediction, correction, Golomb-coded error, context update.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int DecodeRegular(ref BitReader reader, int q, int ra, int rb, int rc)
        {
            int s = q >> 31;
            int context = (q ^ s) - s;

            // §A.4.1 edge-detecting predictor, then §A.4.2 the correction C[Q] with the context's sign.
            int prediction = rc >= Math.Max(ra, rb) ? Math.Min(ra, rb) : rc <= Math.Min(ra, rb) ? Math.Max(ra, rb) : ra + rb - rc;
            int c = _c[context];
            prediction = Math.Clamp(prediction + ((c ^ s) - s), 0, _maxValue);

            int a = _a[context], b = _b[context], n = _n[context];
            int k = GolombParameter(a, n);
            int mapped = DecodeValue(ref reader, k, _limit);

            // §A.5.2 inverted: even values are errors ≥ 0, odd ones negative, unless the special mapping of k = 0 applies.
            int error = (mapped >> 1) ^ -(mapped & 1);
            if (k == 0 && _near == 0 && 2 * b <= -n)
            {
                error = ~error;
            }

            // §A.6.1 and §A.6.2: the context's update and bias correction.
            b += error * _step;
            a += Math.Abs(error);
            if (n == _reset)
            {
                a >>= 1;
                b >>= 1;
                n >>= 1;
            }

            n++;
            if (b <= -n)
            {
                b += n;
                c -= c > MinC ? 1 : 0;
                b = b <= -n ? -n + 1 : b;
            }
            else if (b > 0)
            {
                b -= n;
                c += c < MaxC ? 1 : 0;
                b = b > 0 ? 0 : b;
            }

            _a[context] = a;
            _b[context] = b;
            _c[context] = c;
            _n[context] = n;
            return Fix(prediction + (((error ^ s) - s) * _step));
        }

        /// <summary>
        /// T.87 §A.7.1.2: the length of a run of at most <paramref name="remaining"/> samples: 1 bits each of 2^J[RUNindex]
        /// (the last maybe cut short by the end of the line), then, unless the line ended, a 0 bit and J[RUNindex] bits more.
        /// </summary>
        private static int DecodeRun(ref BitReader reader, int remaining, ref int runIndex)
        {
            int length = 0;
            while (reader.ReadBit() == 1)
            {
                int full = 1 << J[runIndex];
                int count = Math.Min(full, remaining - length);
                length += count;
                if (count == full)
                {
                    runIndex = Math.Min(31, runIndex + 1);
                }

                if (length == remaining)
                {
                    return length;
                }
            }

            length += reader.ReadBits(J[runIndex]);
            if (length > remaining)
            {
                ThrowBadRun();
            }

            return length;
        }

        /// <summary>T.87 §A.7.2: the error of a run interruption sample, with the context of <paramref name="riType"/>, and the context's update.</summary>
        private int DecodeInterruption(ref BitReader reader, int riType, int runIndex)
        {
            int q = RegularContexts + riType;
            int a = _a[q], n = _n[q], nn = _nn[riType];
            int k = GolombParameter(riType == 1 ? a + (n >> 1) : a, n);
            int mapped = DecodeValue(ref reader, k, _limit - J[runIndex] - 1);

            // §A.7.2.1 inverted: EMErrval = 2 |Errval| - RItype - map.
            int sum = mapped + riType;
            int map = sum & 1;
            int magnitude = (sum + map) >> 1;
            int error = (k != 0 || 2 * nn >= n) == (map == 1) ? -magnitude : magnitude;

            // §A.7.2.2: the update of the run interruption context.
            nn += error < 0 ? 1 : 0;
            a += (mapped + 1 - riType) >> 1;
            if (n == _reset)
            {
                a >>= 1;
                n >>= 1;
                nn >>= 1;
            }

            _a[q] = a;
            _n[q] = n + 1;
            _nn[riType] = nn;
            return error;
        }

        /// <summary>
        /// The least k with N × 2^k ≥ A (T.87 §A.5.1): the difference of their bit lengths or one more (N ≥ 1, and the
        /// shift in 64 bits so that no context of a corrupt stream overflows it).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int GolombParameter(int a, int n)
        {
            int k = Math.Max(0, BitOperations.LeadingZeroCount((uint)n) - BitOperations.LeadingZeroCount((uint)Math.Max(a, 0)));
            return ((long)n << k) < a ? k + 1 : k;
        }

        /// <summary>
        /// T.87 §A.5.3: a value in the limited-length Golomb code of parameter <paramref name="k"/>: a unary prefix, then
        /// k bits; or, after the longest prefix (<paramref name="limit"/> - qbpp - 1 zeros), the value less one in qbpp bits.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int DecodeValue(ref BitReader reader, int k, int limit)
        {
            // The longest prefix is at most 55 bits (T.87 §A.2.1's LIMIT and qbpp), fewer than a fill gives.
            int longest = limit - _qbpp - 1;
            int zeros = reader.LeadingZeros();
            if (zeros > longest)
            {
                ThrowBadCode();
            }

            reader.Skip(zeros + 1);
            long value = zeros < longest ? ((long)zeros << k) | (uint)reader.ReadBits(k) : reader.ReadBits(_qbpp) + 1L;

            // A valid mapped error is at most RANGE (T.87 §A.5.2, §A.7.2.1).
            if (value > _range)
            {
                ThrowBadCode();
            }

            return (int)value;
        }

        /// <summary>T.87 §A.4.4 (decoder): the reconstructed value taken modulo the range and clamped to 0..MAXVAL.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Fix(int value)
        {
            if (value < -_near)
            {
                value += _range * _step;
            }
            else if (value > _maxValue + _near)
            {
                value -= _range * _step;
            }

            return Math.Clamp(value, 0, _maxValue);
        }
    }

    /// <summary>
    /// Reads the entropy-coded data of a scan (T.87 §A.1, §D.1): bits most significant first; after a 0xFF byte the next
    /// byte's high bit is a stuffed 0 and only its 7 other bits are data, and a 0xFF followed by a byte with its high bit
    /// set is a marker. At a marker or at the end of the frame it supplies zero bits, counting them, so that a code may
    /// be looked at with fewer bits left; using any of them makes <see cref="Overrun"/> true. Bits not yet supplied are 0.
    /// </summary>
    private ref struct BitReader(ReadOnlySpan<byte> data, int position)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = position;
        private ulong _bits;
        private int _available;
        private int _padding;

        /// <summary>The last byte read was 0xFF: the next holds 7 bits.</summary>
        private bool _afterFF;

        /// <summary>Some bits past the end of the data have been used: the scan is truncated or corrupt.</summary>
        public readonly bool Overrun => _available < _padding;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int ReadBit()
        {
            if (_available == 0)
            {
                Fill();
            }

            int bit = (int)(_bits >> 63);
            _bits <<= 1;
            _available--;
            return bit;
        }

        /// <summary>The next <paramref name="count"/> bits (0 to 32) as a number.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int ReadBits(int count)
        {
            if (count == 0)
            {
                return 0;
            }

            if (_available < count)
            {
                Fill();
            }

            int value = (int)(_bits >> (64 - count));
            _bits <<= count;
            _available -= count;
            return value;
        }

        /// <summary>
        /// The 0 bits before the next 1 bit: among the bits at hand, or, when those are all zeros, looking at least 57
        /// bits ahead (64 when there are only zeros).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int LeadingZeros()
        {
            int zeros = BitOperations.LeadingZeroCount(_bits);
            if (zeros < _available)
            {
                return zeros;
            }

            Fill();
            return BitOperations.LeadingZeroCount(_bits);
        }

        /// <summary>Drops <paramref name="count"/> bits that <see cref="LeadingZeros"/> has seen.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Skip(int count)
        {
            _bits = count == 64 ? 0 : _bits << count;
            _available -= count;
        }

        /// <summary>At the end of a restart interval: drops the rest of its last byte and expects RSTn (T.87 §D.2).</summary>
        public void Restart(int expected)
        {
            _position = JpegSegments.ExpectRestart(_data, FindMarker(_data, _position), expected, Format);
            _bits = 0;
            _available = 0;
            _padding = 0;
            _afterFF = false;
        }

        /// <summary>The offset of the marker that ends the scan, past any bits and bytes left unused.</summary>
        public readonly int EndOfScan() => JpegSegments.EndOfScan(FindMarker(_data, _position), Format);

        /// <summary>Tops the bits up to at least 57, with zeros once the data or the scan (at a marker) ends. Eight bytes at a time when none is 0xFF.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Fill()
        {
            if (!_afterFF && _data.Length - _position >= 8)
            {
                int bytes = (64 - _available) >> 3;
                ulong word = BinaryPrimitives.ReadUInt64BigEndian(_data[_position..]);
                ulong taken = bytes == 8 ? ulong.MaxValue : ~(ulong.MaxValue >> (8 * bytes));

                // No byte of the taken ones is 0xFF: ~word (with the others set) has no zero byte.
                ulong x = ~word | ~taken;
                if (((x - 0x0101010101010101UL) & ~x & 0x8080808080808080UL) == 0)
                {
                    _position += bytes;
                    _bits |= (word & taken) >> _available;
                    _available += 8 * bytes;
                    return;
                }
            }

            while (_available <= 56)
            {
                if (_position >= _data.Length)
                {
                    _padding += 8;
                    _available += 8;
                    continue;
                }

                int value = _data[_position];
                if (_afterFF)
                {
                    // The byte after 0xFF (its high bit 0, or the 0xFF would have been a marker): 7 bits of data.
                    _bits |= (ulong)value << (57 - _available);
                    _available += 7;
                    _position++;
                    _afterFF = false;
                }
                else if (value == 0xFF)
                {
                    if (_position + 1 >= _data.Length || _data[_position + 1] >= 0x80)
                    {
                        // A marker: the scan's data ends here.
                        _padding += 8;
                        _available += 8;
                        continue;
                    }

                    _bits |= 0xFFUL << (56 - _available);
                    _available += 8;
                    _position++;
                    _afterFF = true;
                }
                else
                {
                    _bits |= (ulong)value << (56 - _available);
                    _available += 8;
                    _position++;
                }
            }
        }

        /// <summary>The offset of the next marker's first 0xFF at or after <paramref name="from"/>: a 0xFF followed by a byte with its high bit set; -1 if none.</summary>
        private static int FindMarker(ReadOnlySpan<byte> data, int from)
        {
            for (int i = from; i + 1 < data.Length; i++)
            {
                if (data[i] == 0xFF && data[i + 1] >= 0x80)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <summary>T.87's marker stream for <see cref="JpegSegments"/> and <see cref="JpegFrameHeader"/>.</summary>
    private sealed class LsFormat() : JpegFormat("JPEG-LS", "SOF55", "T.87", "JPEG-LS", lowestMarker: 0x80, longRestartIntervals: true)
    {
        public override void CheckDimensions(int rows, int columns)
        {
            if (rows == 0 || columns == 0)
            {
                throw new RenderingException($"The JPEG-LS frame is {columns} × {rows} pixels: sizes of 0 (left to a DNL marker or an LSE oversize segment) are not supported.");
            }
        }

        /// <summary>Every line takes at least one bit, and one more per 2^15 samples (see <see cref="JpegLsDecoder"/>'s remarks).</summary>
        public override void CheckStreamLength(int rows, int columns, int count, int frameLength)
        {
            long leastBits = (long)rows * ((columns + LongestRunPerBit - 1) / LongestRunPerBit);
            if (leastBits > 8L * frameLength)
            {
                throw new RenderingException($"The JPEG-LS frame holds {frameLength:N0} bytes, too few for the {rows:N0} lines of {columns:N0} × {count} samples its header claims.");
            }
        }
    }
}
