using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// Tier-1 decoding of one code-block (T.800 Annex D) with the MQ arithmetic decoder (Annex C): the significance
/// propagation, magnitude refinement and cleanup passes from the most significant bit-plane down, every code-block
/// style (bypass, reset, termination of each pass, vertically causal contexts, segmentation symbols). One instance is
/// reused for every code-block of a frame.
/// </summary>
/// <remarks>
/// Coefficients are kept as magnitudes with one extra low bit: a coefficient found significant in bit-plane p holds
/// 3·2^p (its bit and half of the interval below it), and each refinement moves it by ±2^p to the middle of the half
/// its bit selects. So a fully decoded magnitude m ends as 2m + 1, and a truncated one at the middle of what is left
/// (T.800 §E.1.1.2 with r = 1/2).
/// </remarks>
internal sealed class CodeBlockDecoder
{
    // Per-coefficient flags: the significance of the 8 neighbours, the signs of the 4 direct ones, and its own state.
    private const int SigNW = 1, SigN = 2, SigNE = 4, SigW = 8, SigE = 16, SigSW = 32, SigS = 64, SigSE = 128;
    private const int NegN = 256, NegW = 512, NegE = 1024, NegS = 2048;
    private const int Significant = 1 << 12, Negative = 1 << 13, Visited = 1 << 14, Refined = 1 << 15;

    /// <summary>In vertically causal mode the last row of a stripe ignores the stripe below (T.800 §D.7).</summary>
    private const int CausalMask = ~(SigSW | SigS | SigSE | NegS);

    // Context labels (T.800 Tables D.1 to D.4): 0-8 zero coding, 9-13 sign, 14-16 magnitude refinement, run length, uniform.
    private const int RunLengthContext = 17, UniformContext = 18, ContextCount = 19;

    // T.800 Table C.2: Qe, NMPS, NLPS and SWITCH of the 47 states.
    private static readonly ushort[] QeTable =
    [
        0x5601, 0x3401, 0x1801, 0x0AC1, 0x0521, 0x0221, 0x5601, 0x5401, 0x4801, 0x3801, 0x3001, 0x2401, 0x1C01, 0x1601,
        0x5601, 0x5401, 0x5101, 0x4801, 0x3801, 0x3401, 0x3001, 0x2801, 0x2401, 0x2201, 0x1C01, 0x1801, 0x1601, 0x1401,
        0x1201, 0x1101, 0x0AC1, 0x09C1, 0x08A1, 0x0521, 0x0441, 0x02A1, 0x0221, 0x0141, 0x0111, 0x0085, 0x0049, 0x0025,
        0x0015, 0x0009, 0x0005, 0x0001, 0x5601,
    ];

    private static readonly byte[] NmpsTable =
    [
        1, 2, 3, 4, 5, 38, 7, 8, 9, 10, 11, 12, 13, 29, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
        32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 45, 46,
    ];

    private static readonly byte[] NlpsTable =
    [
        1, 6, 9, 12, 29, 33, 6, 14, 14, 14, 17, 18, 20, 21, 14, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 23, 24, 25, 26, 27,
        28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 46,
    ];

    private static readonly byte[] SwitchTable =
    [
        1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>
    /// A context's state is (index &lt;&lt; 1) | MPS; this maps a state to Qe (low 16 bits), the state after an MPS
    /// (bits 16 to 23) and after an LPS (bits 24 to 31).
    /// </summary>
    private static readonly uint[] Transitions = new uint[94];

    /// <summary>Zero-coding context by orientation (0 LL, 1 HL, 2 LH, 3 HH) × 256 + the neighbours' significance.</summary>
    private static readonly byte[] ZeroContexts = new byte[4 * 256];

    /// <summary>Sign context (low 5 bits) and the bit to flip (bit 7) by the low 12 flag bits.</summary>
    private static readonly byte[] SignContexts = new byte[4096];

    private readonly byte[] _states = new byte[ContextCount];
    private int[] _flags = new int[66 * 66];
    private int[] _coefficients = new int[64 * 64];
    private int _width, _height, _stride;

    /// <summary>The MQ decoder or raw bit reader of the current segment; the passes work on a local copy.</summary>
    private MqDecoder _mq;

    static CodeBlockDecoder()
    {
        for (int i = 0; i < 47; i++)
        {
            for (int mps = 0; mps < 2; mps++)
            {
                int state = (i << 1) | mps;
                uint afterMps = (uint)((NmpsTable[i] << 1) | mps), afterLps = (uint)((NlpsTable[i] << 1) | (mps ^ SwitchTable[i]));
                Transitions[state] = QeTable[i] | (afterMps << 16) | (afterLps << 24);
            }
        }

        for (int orientation = 0; orientation < 4; orientation++)
        {
            for (int n = 0; n < 256; n++)
            {
                int h = ((n & SigW) != 0 ? 1 : 0) + ((n & SigE) != 0 ? 1 : 0);
                int v = ((n & SigN) != 0 ? 1 : 0) + ((n & SigS) != 0 ? 1 : 0);
                int d = ((n & SigNW) != 0 ? 1 : 0) + ((n & SigNE) != 0 ? 1 : 0) + ((n & SigSW) != 0 ? 1 : 0) + ((n & SigSE) != 0 ? 1 : 0);
                ZeroContexts[(orientation << 8) | n] = (byte)ZeroContext(orientation, h, v, d);
            }
        }

        for (int f = 0; f < 4096; f++)
        {
            int h = Contribution(f, SigW, NegW) + Contribution(f, SigE, NegE);
            int v = Contribution(f, SigN, NegN) + Contribution(f, SigS, NegS);
            h = Math.Clamp(h, -1, 1);
            v = Math.Clamp(v, -1, 1);

            // T.800 Table D.3: the context from the horizontal and vertical contributions, and the XOR bit.
            int context, flip = 0;
            if (h == 0)
            {
                context = v == 0 ? 9 : 10;
                flip = v < 0 ? 1 : 0;
            }
            else
            {
                context = v == 0 ? 12 : (v == h ? 13 : 11);
                flip = h < 0 ? 1 : 0;
            }

            SignContexts[f] = (byte)(context | (flip << 7));
        }

        static int Contribution(int f, int significant, int negative) => (f & significant) == 0 ? 0 : (f & negative) != 0 ? -1 : 1;
    }

    /// <summary>
    /// Decodes a code-block of <paramref name="width"/> × <paramref name="height"/> whose codeword segments lie one
    /// after another in <paramref name="data"/>, and writes its coefficients as described in the remarks, signed,
    /// to <see cref="Coefficients"/> (row after row). <paramref name="bitPlanes"/> is Mb + ROI shift − the missing
    /// most significant bit-planes.
    /// </summary>
    public void Decode(byte[] data, ReadOnlySpan<CodeBlockSegment> segments, int width, int height, int orientation, int bitPlanes, int style)
    {
        _width = width;
        _height = height;
        _stride = width + 2;
        int flagCount = _stride * (height + 2);
        if (_flags.Length < flagCount)
        {
            _flags = new int[flagCount];
        }

        if (_coefficients.Length < width * height)
        {
            _coefficients = new int[width * height];
        }

        Array.Clear(_flags, 0, flagCount);
        Array.Clear(_coefficients, 0, width * height);
        ResetContexts();
        bool bypass = (style & CodingStyle.Bypass) != 0, causal = (style & CodingStyle.VerticallyCausal) != 0;
        int plane = bitPlanes - 1, passType = 2, pass = 0, offset = 0;
        foreach (CodeBlockSegment segment in segments)
        {
            bool raw = bypass && pass >= 10 && passType != 2;
            _mq = new MqDecoder(data, offset, offset + segment.Length, raw);
            offset += segment.Length;

            for (int k = 0; k < segment.Passes && plane >= 0; k++, pass++)
            {
                switch (passType)
                {
                    case 0:
                        SignificancePass(plane, orientation, causal, raw);
                        break;
                    case 1:
                        RefinementPass(plane, causal, raw);
                        break;
                    default:
                        CleanupPass(plane, orientation, causal);
                        if ((style & CodingStyle.Segmentation) != 0)
                        {
                            // T.800 §D.5: the symbol 1010 in the uniform context; a corrupt one is not fatal.
                            for (int i = 0; i < 4; i++)
                            {
                                _mq.Decode(_states, UniformContext);
                            }
                        }

                        break;
                }

                if ((style & CodingStyle.Reset) != 0)
                {
                    ResetContexts();
                }

                if (++passType == 3)
                {
                    passType = 0;
                    plane--;
                }
            }
        }

        for (int y = 0; y < height; y++)
        {
            int f = ((y + 1) * _stride) + 1, c = y * width;
            for (int x = 0; x < width; x++, f++, c++)
            {
                if ((_flags[f] & Negative) != 0)
                {
                    _coefficients[c] = -_coefficients[c];
                }
            }
        }
    }

    /// <summary>The decoded code-block (see <see cref="Decode"/>), row after row, <c>width × height</c> values.</summary>
    public int[] Coefficients => _coefficients;

    private static int ZeroContext(int orientation, int h, int v, int d)
    {
        if (orientation == 3)
        {
            // T.800 Table D.1, HH: diagonal neighbours first.
            int hv = h + v;
            return d >= 3 ? 8 : d == 2 ? (hv >= 1 ? 7 : 6) : d == 1 ? (hv >= 2 ? 5 : hv == 1 ? 4 : 3) : (hv >= 2 ? 2 : hv);
        }

        if (orientation == 1)
        {
            // HL: as LL and LH with the horizontal and vertical neighbours swapped.
            (h, v) = (v, h);
        }

        return h == 2 ? 8
            : h == 1 ? (v >= 1 ? 7 : d >= 1 ? 6 : 5)
            : v == 2 ? 4
            : v == 1 ? 3
            : d >= 2 ? 2
            : d;
    }

    private void ResetContexts()
    {
        Array.Clear(_states);
        _states[0] = 4 << 1;
        _states[RunLengthContext] = 3 << 1;
        _states[UniformContext] = 46 << 1;
    }

    /// <summary>Marks coefficient <paramref name="i"/> (a flag index) significant with its sign, for its neighbours' contexts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BecomeSignificant(ref int flags, int i, int stride, int negative)
    {
        // Every coefficient has a border of flags around it: the eight neighbours' indices are in the array.
        ref int f = ref Unsafe.Add(ref flags, i);
        Unsafe.Add(ref f, -stride - 1) |= SigSE;
        Unsafe.Add(ref f, -stride) |= SigS | (negative * NegS);
        Unsafe.Add(ref f, -stride + 1) |= SigSW;
        Unsafe.Add(ref f, -1) |= SigE | (negative * NegE);
        f |= Significant | (negative * Negative);
        Unsafe.Add(ref f, 1) |= SigW | (negative * NegW);
        Unsafe.Add(ref f, stride - 1) |= SigNE;
        Unsafe.Add(ref f, stride) |= SigN | (negative * NegN);
        Unsafe.Add(ref f, stride + 1) |= SigNW;
    }

    /// <summary>The sign of a newly significant coefficient with flags <paramref name="f"/>: 1 for negative (T.800 §D.3.2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DecodeSign(ref MqDecoder mq, byte[] states, int f)
    {
        int entry = SignContexts[f & 0xFFF];
        return mq.Decode(states, entry & 0x1F) ^ (entry >> 7);
    }

    /// <summary>T.800 §D.3.1: insignificant coefficients with a significant neighbour.</summary>
    private void SignificancePass(int plane, int orientation, bool causal, bool raw)
    {
        // Indices stay within the code-block and its border of flags (sized in Decode), so they are not checked again.
        ref int flags = ref MemoryMarshal.GetArrayDataReference(_flags);
        ref int coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        byte[] states = _states;
        MqDecoder mq = _mq;
        int width = _width, height = _height, stride = _stride, zeroBase = orientation << 8;
        int value = 3 << plane;
        for (int y0 = 0; y0 < height; y0 += 4)
        {
            int rows = Math.Min(4, height - y0);
            int top = ((y0 + 1) * stride) + 1;
            for (int x = 0; x < width; x++)
            {
                int i = top + x;
                if (rows == 4 && ((Unsafe.Add(ref flags, i) | Unsafe.Add(ref flags, i + stride) | Unsafe.Add(ref flags, i + (2 * stride)) | Unsafe.Add(ref flags, i + (3 * stride))) & 0xFF) == 0)
                {
                    // No coefficient of the column has a significant neighbour: none is coded in this pass.
                    continue;
                }

                for (int k = 0; k < rows; k++, i += stride)
                {
                    int f = Unsafe.Add(ref flags, i);
                    if (causal && k == 3)
                    {
                        f &= CausalMask;
                    }

                    if ((f & (Significant | Visited)) != 0 || (f & 0xFF) == 0)
                    {
                        continue;
                    }

                    int bit = raw ? mq.RawBit() : mq.Decode(states, ZeroContexts[zeroBase | (f & 0xFF)]);
                    if (bit != 0)
                    {
                        int negative = raw ? mq.RawBit() : DecodeSign(ref mq, states, f);
                        BecomeSignificant(ref flags, i, stride, negative);
                        Unsafe.Add(ref coefficients, ((y0 + k) * width) + x) = value;
                    }

                    Unsafe.Add(ref flags, i) |= Visited;
                }
            }
        }

        _mq = mq;
    }

    /// <summary>T.800 §D.3.3: significant coefficients not coded in this bit-plane's significance pass.</summary>
    private void RefinementPass(int plane, bool causal, bool raw)
    {
        // Indices stay within the code-block and its border of flags (sized in Decode), so they are not checked again.
        ref int flags = ref MemoryMarshal.GetArrayDataReference(_flags);
        ref int coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        byte[] states = _states;
        MqDecoder mq = _mq;
        int width = _width, height = _height, stride = _stride;
        int step = 1 << plane;
        for (int y0 = 0; y0 < height; y0 += 4)
        {
            int rows = Math.Min(4, height - y0);
            int top = ((y0 + 1) * stride) + 1;
            for (int x = 0; x < width; x++)
            {
                int i = top + x;
                if (rows == 4 && ((Unsafe.Add(ref flags, i) | Unsafe.Add(ref flags, i + stride) | Unsafe.Add(ref flags, i + (2 * stride)) | Unsafe.Add(ref flags, i + (3 * stride))) & Significant) == 0)
                {
                    continue;
                }

                for (int k = 0; k < rows; k++, i += stride)
                {
                    int f = Unsafe.Add(ref flags, i);
                    if ((f & (Significant | Visited)) != Significant)
                    {
                        continue;
                    }

                    int bit;
                    if (raw)
                    {
                        bit = mq.RawBit();
                    }
                    else
                    {
                        if (causal && k == 3)
                        {
                            f &= CausalMask;
                        }

                        bit = mq.Decode(states, (f & Refined) != 0 ? 16 : (f & 0xFF) != 0 ? 15 : 14);
                    }

                    Unsafe.Add(ref coefficients, ((y0 + k) * width) + x) += bit != 0 ? step : -step;
                    Unsafe.Add(ref flags, i) |= Refined;
                }
            }
        }

        _mq = mq;
    }

    /// <summary>T.800 §D.3.4: the coefficients not yet coded in this bit-plane, with run-length coding of empty columns.</summary>
    private void CleanupPass(int plane, int orientation, bool causal)
    {
        // Indices stay within the code-block and its border of flags (sized in Decode), so they are not checked again.
        ref int flags = ref MemoryMarshal.GetArrayDataReference(_flags);
        ref int coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        byte[] states = _states;
        MqDecoder mq = _mq;
        int width = _width, height = _height, stride = _stride, zeroBase = orientation << 8;
        int value = 3 << plane;
        const int Busy = Significant | Visited | 0xFF;
        int lastBusy = causal ? Busy & CausalMask : Busy;
        for (int y0 = 0; y0 < height; y0 += 4)
        {
            int rows = Math.Min(4, height - y0);
            int top = ((y0 + 1) * stride) + 1;
            for (int x = 0; x < width; x++)
            {
                int i = top + x;
                int start = 0;
                if (rows == 4
                    && ((Unsafe.Add(ref flags, i) | Unsafe.Add(ref flags, i + stride) | Unsafe.Add(ref flags, i + (2 * stride))) & Busy) == 0
                    && (Unsafe.Add(ref flags, i + (3 * stride)) & lastBusy) == 0)
                {
                    if (mq.Decode(states, RunLengthContext) == 0)
                    {
                        continue;
                    }

                    int run = mq.Decode(states, UniformContext) << 1;
                    run |= mq.Decode(states, UniformContext);
                    int at = i + (run * stride);
                    int f = Unsafe.Add(ref flags, at);
                    if (causal && run == 3)
                    {
                        f &= CausalMask;
                    }

                    BecomeSignificant(ref flags, at, stride, DecodeSign(ref mq, states, f));
                    Unsafe.Add(ref coefficients, ((y0 + run) * width) + x) = value;
                    start = run + 1;
                    i = at + stride;
                }

                for (int k = start; k < rows; k++, i += stride)
                {
                    int f = Unsafe.Add(ref flags, i);
                    if ((f & (Significant | Visited)) == 0)
                    {
                        if (causal && k == 3)
                        {
                            f &= CausalMask;
                        }

                        if (mq.Decode(states, ZeroContexts[zeroBase | (f & 0xFF)]) != 0)
                        {
                            BecomeSignificant(ref flags, i, stride, DecodeSign(ref mq, states, f));
                            Unsafe.Add(ref coefficients, ((y0 + k) * width) + x) = value;
                        }
                    }

                    Unsafe.Add(ref flags, i) &= ~Visited;
                }
            }
        }

        _mq = mq;
    }

    /// <summary>
    /// The MQ arithmetic decoder (T.800 §C.3) over <c>data[position..end)</c>, reading 0xFF past the end (§C.3.4), or,
    /// for a raw segment of bypass mode (§D.6), a plain bit reader that drops the stuffed bit after 0xFF.
    /// </summary>
    private struct MqDecoder
    {
        private readonly byte[] _data;
        private readonly int _end;
        private int _position;
        private uint _c;
        private uint _a;
        private int _ct;

        public MqDecoder(byte[] data, int position, int end, bool raw)
        {
            _data = data;
            _position = position;
            _end = end;
            if (!raw)
            {
                // INITDEC (§C.3.5).
                _c = (uint)ByteAt(_position) << 16;
                ByteIn();
                _c <<= 7;
                _ct -= 7;
                _a = 0x8000;
            }
        }

        /// <summary>DECODE (§C.3.2) with the exchanges (§C.3.3) and RENORMD, the context's state in <paramref name="states"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Decode(byte[] states, int context)
        {
            // The states are 19 bytes and every context label is below 19; the transitions cover every state.
            ref byte slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(states), context);
            int state = slot;
            uint transition = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Transitions), state);
            uint qe = transition & 0xFFFF;
            _a -= qe;
            int bit;
            if ((_c >> 16) < qe)
            {
                if (_a < qe)
                {
                    bit = state & 1;
                    slot = (byte)(transition >> 16);
                }
                else
                {
                    bit = (state & 1) ^ 1;
                    slot = (byte)(transition >> 24);
                }

                _a = qe;
            }
            else
            {
                _c -= qe << 16;
                if ((_a & 0x8000) != 0)
                {
                    return state & 1;
                }

                if (_a < qe)
                {
                    bit = (state & 1) ^ 1;
                    slot = (byte)(transition >> 24);
                }
                else
                {
                    bit = state & 1;
                    slot = (byte)(transition >> 16);
                }
            }

            // RENORMD, the shifts that bring A back to 0x8000 or more taken together, a byte read whenever CT runs out.
            int shifts = System.Numerics.BitOperations.LeadingZeroCount(_a) - 16;
            while (true)
            {
                if (_ct == 0)
                {
                    ByteIn();
                }

                int n = Math.Min(shifts, _ct);
                _a <<= n;
                _c <<= n;
                _ct -= n;
                shifts -= n;
                if (shifts == 0)
                {
                    return bit;
                }
            }
        }

        /// <summary>A bit of a raw segment: after 0xFF the next byte's high bit is stuffed; 1s past the end.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int RawBit()
        {
            if (_ct == 0)
            {
                if (_c == 0xFF)
                {
                    if (ByteAt(_position) > 0x8F)
                    {
                        _ct = 8;
                    }
                    else
                    {
                        _c = (uint)ByteAt(_position++);
                        _ct = 7;
                    }
                }
                else
                {
                    _c = (uint)ByteAt(_position++);
                    _ct = 8;
                }
            }

            _ct--;
            return (int)(_c >> _ct) & 1;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly int ByteAt(int index) => index < _end ? _data[index] : 0xFF;

        /// <summary>BYTEIN (§C.3.4): after 0xFF a byte above 0x8F is a marker (the end); else it holds 7 bits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void ByteIn()
        {
            if (ByteAt(_position) == 0xFF)
            {
                if (ByteAt(_position + 1) > 0x8F)
                {
                    _c += 0xFF00;
                    _ct = 8;
                }
                else
                {
                    _position++;
                    _c += (uint)ByteAt(_position) << 9;
                    _ct = 7;
                }
            }
            else
            {
                _position++;
                _c += (uint)ByteAt(_position) << 8;
                _ct = 8;
            }
        }
    }
}

/// <summary>A codeword segment of a code-block: its bytes (one after another in the code-block's data) and coding passes.</summary>
internal record struct CodeBlockSegment(int Length, int Passes, int MostPasses);
