using System.Globalization;

namespace Portico.Dicom.Dictionary;

/// <summary>A data element tag (PS3.5 §7.1): group number in the high 16 bits, element number in the low 16.</summary>
public readonly record struct DicomTag(uint Value) : IComparable<DicomTag>
{
    public DicomTag(ushort group, ushort element) : this(((uint)group << 16) | element)
    {
    }

    public ushort Group => (ushort)(Value >> 16);

    public ushort Element => (ushort)Value;

    /// <summary>Odd group numbers other than 1, 3, 5, 7 and FFFF hold private elements (PS3.5 §7.8).</summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 7 && Group != 0xFFFF;

    /// <summary>A private creator element (gggg,0010-00FF) reserves a block of a private group (PS3.5 §7.8.1).</summary>
    public bool IsPrivateCreator => IsPrivate && Element is >= 0x0010 and <= 0x00FF;

    /// <summary>The group length element (gggg,0000), retired outside groups 0000 and 0002.</summary>
    public bool IsGroupLength => Element == 0;

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Group:X4},{Element:X4})");

    /// <summary>Parses "(0010,0010)", "0010,0010" or "00100010".</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomTag tag)
    {
        text = text.Trim();
        if (text.Length > 0 && text[0] == '(' && text[^1] == ')')
        {
            text = text[1..^1];
        }

        Span<char> digits = stackalloc char[8];
        int n = 0;
        foreach (char c in text)
        {
            if (c == ',')
            {
                continue;
            }

            if (n == 8 || !char.IsAsciiHexDigit(c))
            {
                tag = default;
                return false;
            }

            digits[n++] = c;
        }

        if (n == 8 && uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value))
        {
            tag = new DicomTag(value);
            return true;
        }

        tag = default;
        return false;
    }

    // Tags the codec itself needs; the full list is generated in DicomTags.g.cs.
    internal static readonly DicomTag Item = new(0xFFFE, 0xE000);
    internal static readonly DicomTag ItemDelimitationItem = new(0xFFFE, 0xE00D);
    internal static readonly DicomTag SequenceDelimitationItem = new(0xFFFE, 0xE0DD);
    internal static readonly DicomTag SpecificCharacterSetTag = new(0x0008, 0x0005);
    internal static readonly DicomTag TransferSyntaxUIDTag = new(0x0002, 0x0010);
    internal static readonly DicomTag PixelDataTag = new(0x7FE0, 0x0010);
}
