using System.Text;

namespace Portico.Dicom.Text;

/// <summary>The structure of a graphic character set in ISO/IEC 2022 terms.</summary>
internal enum CodeElementKind
{
    /// <summary>94 single-byte characters at 02/01–07/14.</summary>
    Set94,

    /// <summary>96 single-byte characters at 02/00–07/15; can only be designated to G1.</summary>
    Set96,

    /// <summary>94 × 94 two-byte characters, each byte at 02/01–07/14.</summary>
    Set94x94,
}

/// <summary>
/// One graphic character set that ISO 2022 escape sequences designate to G0 or G1 (PS3.3 Tables
/// C.12-3 and C.12-4). Codes are handled in their 7-bit form: a G1 byte has its high bit removed
/// before it reaches <see cref="Decode(byte)"/>, and <see cref="TryEncode"/> returns the 7-bit code.
/// The lookup tables are built on first use from a code page and cached.
/// </summary>
internal sealed class CodeElement
{
    public const char Replacement = '\uFFFD';
    private const byte Esc = 0x1B;
    private const int RowCount = 94;

    private readonly Func<char[]> _buildDecodeTable;
    private readonly Func<int, bool> _isEncodableRow;
    private Tables? _tables;

    private CodeElement(
        string name,
        CodeElementKind kind,
        byte[]? g0Designation,
        byte[]? g1Designation,
        Func<char[]> buildDecodeTable,
        Func<int, bool>? isEncodableRow = null)
    {
        Name = name;
        Kind = kind;
        G0Designation = g0Designation;
        G1Designation = g1Designation;
        _buildDecodeTable = buildDecodeTable;
        _isEncodableRow = isEncodableRow ?? (static _ => true);
    }

    // PS3.3 Table C.12-3: single-byte character sets with code extensions.
    public static CodeElement Ascii { get; } = new(
        "ISO-IR 6", CodeElementKind.Set94, [Esc, 0x28, 0x42], null, BuildAscii);

    public static CodeElement JisX0201Romaji { get; } = new(
        "ISO-IR 14", CodeElementKind.Set94, [Esc, 0x28, 0x4A], null, BuildJisX0201Romaji);

    public static CodeElement JisX0201Katakana { get; } = new(
        "ISO-IR 13", CodeElementKind.Set94, [Esc, 0x28, 0x49], [Esc, 0x29, 0x49], BuildJisX0201Katakana);

    public static CodeElement Latin1 { get; } = Upper96("ISO-IR 100", 0x41, CodePages.Latin1);

    public static CodeElement Latin2 { get; } = Upper96("ISO-IR 101", 0x42, 28592);

    public static CodeElement Latin3 { get; } = Upper96("ISO-IR 109", 0x43, 28593);

    public static CodeElement Latin4 { get; } = Upper96("ISO-IR 110", 0x44, 28594);

    public static CodeElement Cyrillic { get; } = Upper96("ISO-IR 144", 0x4C, 28595);

    public static CodeElement Arabic { get; } = Upper96("ISO-IR 127", 0x47, 28596);

    public static CodeElement Greek { get; } = Upper96("ISO-IR 126", 0x46, 28597);

    public static CodeElement Hebrew { get; } = Upper96("ISO-IR 138", 0x48, 28598);

    public static CodeElement Latin5 { get; } = Upper96("ISO-IR 148", 0x4D, 28599);

    public static CodeElement Latin9 { get; } = Upper96("ISO-IR 203", 0x62, 28605);

    /// <summary>TIS 620-2533; windows-874 agrees with it at 0xA0–0xFF, and its private-use
    /// fillers for the unassigned positions are dropped.</summary>
    public static CodeElement Thai { get; } = Upper96("ISO-IR 166", 0x54, 874);

    // PS3.3 Table C.12-4: multi-byte character sets with code extensions.
    public static CodeElement JisX0208 { get; } = new(
        "ISO-IR 87", CodeElementKind.Set94x94, [Esc, 0x24, 0x42], null,
        () => BuildDoubleByte(CodePages.EucJpWindows, trailHighBit: true, []),
        // Row 13 (NEC special characters) and rows 85–94 are vendor additions, decoded but never produced.
        static row => row != 0x2D && row <= 0x74);

    public static CodeElement JisX0212 { get; } = new(
        "ISO-IR 159", CodeElementKind.Set94x94, [Esc, 0x24, 0x28, 0x44], null,
        // Windows keeps TILDE and NUMERO SIGN elsewhere; JIS X 0212 has them at 02/02 03/07 and 02/02 07/01.
        () => BuildDoubleByte(CodePages.EucJpWindows, trailHighBit: false, [(0x2237, '~'), (0x2271, '\u2116')]),
        // Rows 83–94 of code page 20932 hold IBM extensions, decoded but never produced.
        static row => row <= 0x6D);

    public static CodeElement KsX1001 { get; } = new(
        "ISO-IR 149", CodeElementKind.Set94x94, [Esc, 0x24, 0x28, 0x43], [Esc, 0x24, 0x29, 0x43],
        () => BuildDoubleByte(CodePages.UnifiedHangul, trailHighBit: true, []));

    public static CodeElement Gb2312 { get; } = new(
        "ISO-IR 58", CodeElementKind.Set94x94, [Esc, 0x24, 0x28, 0x41], [Esc, 0x24, 0x29, 0x41],
        // Code page 20936 leaves DOUBLE VERTICAL LINE at 02/01 02/12 unmapped.
        () => BuildDoubleByte(CodePages.Gb2312, trailHighBit: true, [(0x212C, '\u2016')]));

    /// <summary>The ISO-IR registration, for diagnostics.</summary>
    public string Name { get; }

    public CodeElementKind Kind { get; }

    public bool IsDoubleByte => Kind == CodeElementKind.Set94x94;

    /// <summary>The escape sequence designating this set to G0, or null when it cannot be.</summary>
    public byte[]? G0Designation { get; }

    /// <summary>The escape sequence designating this set to G1, or null when DICOM never does.</summary>
    public byte[]? G1Designation { get; }

    private Tables CodeTables => Volatile.Read(ref _tables) ?? InitializeTables();

    /// <summary>Decodes a single-byte code 02/00–07/15 (high bit already removed).</summary>
    public char Decode(byte code) => CodeTables.Decode[code & 0x7F];

    /// <summary>Decodes a two-byte code, each byte 02/01–07/14 (high bits already removed).</summary>
    public char Decode(byte first, byte second)
    {
        int row = first - 0x21;
        int cell = second - 0x21;
        if ((uint)row >= RowCount || (uint)cell >= RowCount)
        {
            return Replacement;
        }

        return CodeTables.Decode[(row * RowCount) + cell];
    }

    /// <summary>
    /// Finds the 7-bit code of <paramref name="c"/> in this set: one byte, or two bytes as
    /// (first &lt;&lt; 8) | second for a 94 × 94 set.
    /// </summary>
    public bool TryEncode(char c, out ushort code) => CodeTables.Encode.TryGetValue(c, out code);

    /// <summary>
    /// Recognises the set designated by an escape sequence, from its intermediate and final bytes
    /// (ISO/IEC 2022 §13; PS3.5 §6.1.2.5). Sets DICOM does not use give null.
    /// </summary>
    public static CodeElement? FromDesignation(CodeElementKind kind, byte final) => kind switch
    {
        CodeElementKind.Set94 => final switch
        {
            0x42 => Ascii,
            0x4A => JisX0201Romaji,
            0x49 => JisX0201Katakana,
            _ => null,
        },
        CodeElementKind.Set96 => final switch
        {
            0x41 => Latin1,
            0x42 => Latin2,
            0x43 => Latin3,
            0x44 => Latin4,
            0x4C => Cyrillic,
            0x47 => Arabic,
            0x46 => Greek,
            0x48 => Hebrew,
            0x4D => Latin5,
            0x62 => Latin9,
            0x54 => Thai,
            _ => null,
        },
        CodeElementKind.Set94x94 => final switch
        {
            // 04/00 is the 1978 edition of JIS X 0208, read with the same table.
            0x40 or 0x42 => JisX0208,
            0x44 => JisX0212,
            0x43 => KsX1001,
            0x41 => Gb2312,
            _ => null,
        },
        _ => null,
    };

    public override string ToString() => Name;

    private Tables InitializeTables()
    {
        char[] decode = _buildDecodeTable();
        var encode = new Dictionary<char, ushort>(IsDoubleByte ? 8192 : 96);
        if (IsDoubleByte)
        {
            for (int index = 0; index < decode.Length; index++)
            {
                int row = 0x21 + (index / RowCount);
                int cell = 0x21 + (index % RowCount);
                if (decode[index] != Replacement && _isEncodableRow(row))
                {
                    encode.TryAdd(decode[index], (ushort)((row << 8) | cell));
                }
            }
        }
        else
        {
            for (int code = 0x20; code <= 0x7F; code++)
            {
                if (decode[code] != Replacement)
                {
                    encode.TryAdd(decode[code], (ushort)code);
                }
            }
        }

        var tables = new Tables(decode, encode);
        return Interlocked.CompareExchange(ref _tables, tables, null) ?? tables;
    }

    private static CodeElement Upper96(string name, byte final, int codePage) => new(
        name, CodeElementKind.Set96, null, [Esc, 0x2D, final], () => BuildUpper96(codePage));

    private static char[] NewSingleByteTable() => Enumerable.Repeat(Replacement, 0x80).ToArray();

    private static char[] BuildAscii()
    {
        char[] table = NewSingleByteTable();
        for (int code = 0x21; code <= 0x7E; code++)
        {
            table[code] = (char)code;
        }

        return table;
    }

    // JIS X 0201 Roman: ISO 646 with YEN SIGN at 05/12 and OVERLINE at 07/14.
    private static char[] BuildJisX0201Romaji()
    {
        char[] table = BuildAscii();
        table[0x5C] = '\u00A5';
        table[0x7E] = '\u203E';
        return table;
    }

    // JIS X 0201 Katakana: 02/01–05/15 map in order onto the half-width forms U+FF61–U+FF9F.
    private static char[] BuildJisX0201Katakana()
    {
        char[] table = NewSingleByteTable();
        for (int code = 0x21; code <= 0x5F; code++)
        {
            table[code] = (char)(0xFF61 + (code - 0x21));
        }

        return table;
    }

    // The upper half (0xA0–0xFF) of an ISO 8859 style code page, as a 96-character G1 set.
    private static char[] BuildUpper96(int codePage)
    {
        Encoding encoding = CodePages.Get(codePage);
        char[] table = NewSingleByteTable();
        Span<byte> source = stackalloc byte[1];
        Span<char> decoded = stackalloc char[2];
        for (int code = 0x20; code <= 0x7F; code++)
        {
            source[0] = (byte)(code | 0x80);
            if (encoding.GetChars(source, decoded) == 1 && IsAssigned(decoded[0]))
            {
                table[code] = decoded[0];
            }
        }

        return table;
    }

    // A 94 × 94 set read through an EUC-style code page: the first byte always carries the high
    // bit; the second carries it too unless trailHighBit is false (JIS X 0212 in code page 20932).
    private static char[] BuildDoubleByte(int codePage, bool trailHighBit, (int Code, char Value)[] additions)
    {
        Encoding encoding = CodePages.Get(codePage);
        char[] table = Enumerable.Repeat(Replacement, RowCount * RowCount).ToArray();
        Span<byte> source = stackalloc byte[2];
        Span<char> decoded = stackalloc char[4];
        for (int row = 0; row < RowCount; row++)
        {
            for (int cell = 0; cell < RowCount; cell++)
            {
                source[0] = (byte)(0xA1 + row);
                source[1] = (byte)(trailHighBit ? 0xA1 + cell : 0x21 + cell);
                if (encoding.GetChars(source, decoded) == 1 && IsAssigned(decoded[0]))
                {
                    table[(row * RowCount) + cell] = decoded[0];
                }
            }
        }

        foreach ((int code, char value) in additions)
        {
            table[(((code >> 8) - 0x21) * RowCount) + ((code & 0xFF) - 0x21)] = value;
        }

        return table;
    }

    // Replacement characters, private-use fillers and controls are not characters of the set.
    private static bool IsAssigned(char c) =>
        c != Replacement && !char.IsControl(c) && c is not (>= '\uE000' and <= '\uF8FF');

    private sealed record Tables(char[] Decode, Dictionary<char, ushort> Encode);
}
