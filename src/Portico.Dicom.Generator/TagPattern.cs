using System.Globalization;

namespace Portico.Dicom.Generator;

/// <summary>
/// A dictionary key: a tag, or a tag with repeating hex digits written 'x' as PS3.6 does
/// ("60xx3000" for the repeating overlay groups of PS3.5 §7.6, "002804x0", "0029xx10" for the
/// private block byte of PS3.5 §7.8.1). Each 'x' becomes a zero digit in <see cref="Tag"/> and a
/// zero nibble in <see cref="Mask"/>, so a tag t matches when <c>(t &amp; Mask) == Tag</c>.
/// </summary>
internal readonly record struct TagPattern(uint Tag, uint Mask)
{
    public const uint ExactMask = 0xFFFFFFFF;

    public bool IsExact => Mask == ExactMask;

    /// <summary>Every 'x' is in the group number (50xx, 60xx, 7Fxx): a repeating group, not repeating elements.</summary>
    public bool RepeatsGroupOnly => !IsExact && (Mask & 0xFFFF) == 0xFFFF;

    public static TagPattern Exact(uint tag) => new(tag, ExactMask);

    public static bool TryParse(string text, out TagPattern pattern)
    {
        pattern = default;
        if (text.Length != 8)
        {
            return false;
        }

        uint tag = 0;
        uint mask = 0;
        foreach (char c in text)
        {
            tag <<= 4;
            mask <<= 4;
            if (c == 'x')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            tag |= (uint)int.Parse(c.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            mask |= 0xF;
        }

        pattern = new TagPattern(tag, mask);
        return true;
    }

    /// <summary>The eight-character form with upper-case hex digits and 'x' for each masked nibble.</summary>
    public override string ToString()
    {
        Span<char> text = stackalloc char[8];
        for (int i = 0; i < 8; i++)
        {
            int shift = 28 - (4 * i);
            text[i] = ((Mask >> shift) & 0xF) == 0 ? 'x' : "0123456789ABCDEF"[(int)((Tag >> shift) & 0xF)];
        }

        return text.ToString();
    }
}
