using System.Diagnostics.CodeAnalysis;

namespace Portico.Imaging.Jpeg;

/// <summary>
/// A Huffman table of T.81 Annex C as a DHT segment defines it (§B.2.4.2), shared by <see cref="JpegLosslessDecoder"/>
/// and <see cref="JpegDctDecoder"/>: the canonical codes of each length (§C.2) and their values, looked up by the next
/// <see cref="LookupBits"/> bits of the entropy-coded data, or for a longer code by the largest code of each length
/// (§F.2.2.3).
/// </summary>
internal sealed class JpegHuffmanTable(int tableClass, int id, JpegFormat format)
{
    public const int LookupBits = 11;

    /// <summary>The values in code order; reused when a DHT redefines the table.</summary>
    private readonly byte[] _values = new byte[256];

    /// <summary>By length: the largest code of that length, or -1 when there is none.</summary>
    private readonly int[] _maxCode = new int[17];

    /// <summary>By length: what a code of that length is added to for its index in the values.</summary>
    private readonly int[] _valueOffset = new int[17];

    /// <summary>0 for DC (and lossless) tables, 1 for AC tables.</summary>
    public int Class { get; } = tableClass;

    public int Id { get; } = id;

    /// <summary>By the next <see cref="LookupBits"/> bits: the code's length (high byte) and value (low byte); 0 when the code is longer.</summary>
    public ushort[] Codes { get; } = new ushort[1 << LookupBits];

    /// <summary>
    /// For DCT decoding, by the next <see cref="LookupBits"/> bits: a code and its extra bits at once, when both fit
    /// (see <see cref="Pack"/>); 0 otherwise. The value is EXTENDed (§F.2.2.1), so a coefficient or DC difference.
    /// </summary>
    public int[] Fast { get; } = new int[1 << LookupBits];

    /// <summary>
    /// A <see cref="Fast"/> entry: the value (high 16 bits, signed), the size (bits 12-15: 0 for EOB, ZRL or a DC
    /// difference of 0), the run of zeros before it (bits 8-11, AC tables) and the bits taken, code and extra (low byte).
    /// </summary>
    public static int Pack(int value, int size, int run, int bits) => (value << 16) | (size << 12) | (run << 8) | bits;

    /// <summary>
    /// T.81 §B.2.4.2: reads the tables of a DHT segment (each Tc/Th, 16 counts of codes by length, then the values)
    /// into <paramref name="tables"/>, indexed class × 4 + id, defining or redefining them.
    /// </summary>
    public static void ReadTables(ReadOnlySpan<byte> segment, JpegHuffmanTable?[] tables, JpegFormat format)
    {
        while (segment.Length > 0)
        {
            if (segment.Length < 17)
            {
                throw new RenderingException($"A Huffman table (DHT) of the {format.Name} frame is cut short.");
            }

            int tableClass = segment[0] >> 4, id = segment[0] & 0x0F;
            if (tableClass > 1 || id > 3)
            {
                throw new RenderingException($"The {format.Name} frame defines Huffman table {id} of class {tableClass}; T.81 allows tables 0 to 3 of class 0 or 1.");
            }

            ReadOnlySpan<byte> counts = segment.Slice(1, 16);
            int total = 0;
            foreach (byte n in counts)
            {
                total += n;
            }

            if (total > 256 || segment.Length < 17 + total)
            {
                throw new RenderingException($"Huffman table {id} (DHT) of the {format.Name} frame claims {total} codes; its segment holds {Math.Max(0, segment.Length - 17)} values.");
            }

            (tables[(tableClass * 4) + id] ??= new JpegHuffmanTable(tableClass, id, format)).Define(counts, segment.Slice(17, total));
            segment = segment[(17 + total)..];
        }
    }

    /// <summary>The code at the top of <paramref name="bits"/> (the next bit highest): its length and value.</summary>
    public (int Length, int Value) Decode(ulong bits)
    {
        int entry = Codes[(int)(bits >> (64 - LookupBits))];
        return entry != 0 ? (entry >> 8, entry & 0xFF) : LongCode(bits);
    }

    /// <summary>A code longer than <see cref="LookupBits"/> at the top of <paramref name="bits"/>: its length and value.</summary>
    public (int Length, int Value) LongCode(ulong bits)
    {
        for (int length = LookupBits + 1; length <= 16; length++)
        {
            int code = (int)(bits >> (64 - length));
            if (code <= _maxCode[length])
            {
                return (length, _values[_valueOffset[length] + code]);
            }
        }

        ThrowUndefinedCode();
        return default;
    }

    /// <summary>(Re)defines the table from a DHT's 16 counts of codes by length and its values (T.81 §C.2, canonical codes).</summary>
    private void Define(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
    {
        values.CopyTo(_values);
        Array.Clear(Codes);
        Array.Clear(Fast);
        int code = 0, index = 0;
        for (int length = 1; length <= 16; length++)
        {
            int n = counts[length - 1];
            _maxCode[length] = n > 0 ? code + n - 1 : -1;
            _valueOffset[length] = index - code;
            if (code + n > 1 << length)
            {
                throw new RenderingException($"Huffman table {Id} (DHT) of the {format.Name} frame has more codes of {length} bits than fit.");
            }

            for (int k = 0; k < n && length <= LookupBits; k++)
            {
                int first = (code + k) << (LookupBits - length), span = 1 << (LookupBits - length);
                byte value = _values[index + k];
                Codes.AsSpan(first, span).Fill((ushort)((length << 8) | value));
                int run = Class == 1 ? value >> 4 : 0, size = Class == 1 ? value & 0x0F : value;
                if (length + size <= LookupBits && size <= 15)
                {
                    for (int next = first; next < first + span; next++)
                    {
                        // The extra bits follow the code in the look-up bits.
                        int extra = size == 0 ? 0 : (next >> (LookupBits - length - size)) & ((1 << size) - 1);
                        Fast[next] = Pack(Extend(extra, size), size, run, length + size);
                    }
                }
            }

            code = (code + n) << 1;
            index += n;
        }
    }

    /// <summary>T.81 §F.2.2.1 EXTEND: the value of category <paramref name="size"/> with those extra bits; a leading 0 bit means a negative one.</summary>
    public static int Extend(int extra, int size) => size == 0 ? 0 : extra < 1 << (size - 1) ? extra - (1 << size) + 1 : extra;

    [DoesNotReturn]
    private void ThrowUndefinedCode() =>
        throw new RenderingException($"The {format.Name} data holds a Huffman code that table {Id}{(Class == 1 ? " (AC)" : "")} does not define: the frame is corrupt.");
}
