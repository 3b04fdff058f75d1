using System.Collections.Frozen;

namespace Portico.Dicom.Text;

/// <summary>How a Defined Term of Specific Character Set (0008,0005) is applied.</summary>
internal enum CharacterSetTermKind
{
    /// <summary>The default repertoire, ISO-IR 6.</summary>
    Default,

    /// <summary>A single-byte set without code extensions, decoded through one code page.</summary>
    SingleByte,

    /// <summary>ISO_IR 13 (JIS X 0201): single-byte, but G0 is not ASCII, so it uses the ISO 2022 engine.</summary>
    JisX0201,

    /// <summary>A set used with ISO 2022 code extensions.</summary>
    Iso2022,

    /// <summary>A multi-byte set without code extensions (UTF-8, GB18030, GBK) that covers every value.</summary>
    WholeValue,
}

/// <summary>
/// A Defined Term of Specific Character Set (0008,0005), PS3.3 §C.12.1.1.2 Tables C.12-2 to C.12-5,
/// with the G0 and G1 sets it designates.
/// </summary>
internal sealed class CharacterSetTerm
{
    private static readonly FrozenDictionary<string, CharacterSetTerm> ByName = CreateTerms()
        .ToFrozenDictionary(term => term.Name, StringComparer.Ordinal);

    private CharacterSetTerm(string name, CharacterSetTermKind kind, int codePage, CodeElement? g0, CodeElement? g1)
    {
        Name = name;
        Kind = kind;
        CodePage = codePage;
        G0 = g0;
        G1 = g1;
    }

    public string Name { get; }

    public CharacterSetTermKind Kind { get; }

    /// <summary>The code page for <see cref="CharacterSetTermKind.SingleByte"/> and
    /// <see cref="CharacterSetTermKind.WholeValue"/> terms; 0 otherwise.</summary>
    public int CodePage { get; }

    /// <summary>The set designated to G0, or null when the term leaves G0 alone.</summary>
    public CodeElement? G0 { get; }

    /// <summary>The set designated to G1, or null when the term leaves G1 alone.</summary>
    public CodeElement? G1 { get; }

    /// <summary>Every Defined Term this implementation knows.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    public static CharacterSetTerm? Find(string name) => ByName.GetValueOrDefault(name);

    private static IEnumerable<CharacterSetTerm> CreateTerms()
    {
        CodeElement ascii = CodeElement.Ascii;

        // Table C.12-2: single-byte sets without code extensions. The ISO 8859 parts keep their
        // G1 set so that a (non-conformant) combination with other terms still works.
        yield return new("ISO_IR 6", CharacterSetTermKind.Default, 0, ascii, null);
        yield return new("ISO_IR 100", CharacterSetTermKind.SingleByte, CodePages.Latin1, ascii, CodeElement.Latin1);
        yield return new("ISO_IR 101", CharacterSetTermKind.SingleByte, 28592, ascii, CodeElement.Latin2);
        yield return new("ISO_IR 109", CharacterSetTermKind.SingleByte, 28593, ascii, CodeElement.Latin3);
        yield return new("ISO_IR 110", CharacterSetTermKind.SingleByte, 28594, ascii, CodeElement.Latin4);
        yield return new("ISO_IR 144", CharacterSetTermKind.SingleByte, 28595, ascii, CodeElement.Cyrillic);
        yield return new("ISO_IR 127", CharacterSetTermKind.SingleByte, 28596, ascii, CodeElement.Arabic);
        yield return new("ISO_IR 126", CharacterSetTermKind.SingleByte, 28597, ascii, CodeElement.Greek);
        yield return new("ISO_IR 138", CharacterSetTermKind.SingleByte, 28598, ascii, CodeElement.Hebrew);
        yield return new("ISO_IR 148", CharacterSetTermKind.SingleByte, 28599, ascii, CodeElement.Latin5);
        yield return new("ISO_IR 203", CharacterSetTermKind.SingleByte, 28605, ascii, CodeElement.Latin9);
        yield return new("ISO_IR 166", CharacterSetTermKind.SingleByte, 874, ascii, CodeElement.Thai);
        yield return new("ISO_IR 13", CharacterSetTermKind.JisX0201, 0, CodeElement.JisX0201Romaji, CodeElement.JisX0201Katakana);

        // Table C.12-3: single-byte sets with code extensions.
        yield return new("ISO 2022 IR 6", CharacterSetTermKind.Iso2022, 0, ascii, null);
        yield return new("ISO 2022 IR 100", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Latin1);
        yield return new("ISO 2022 IR 101", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Latin2);
        yield return new("ISO 2022 IR 109", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Latin3);
        yield return new("ISO 2022 IR 110", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Latin4);
        yield return new("ISO 2022 IR 144", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Cyrillic);
        yield return new("ISO 2022 IR 127", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Arabic);
        yield return new("ISO 2022 IR 126", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Greek);
        yield return new("ISO 2022 IR 138", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Hebrew);
        yield return new("ISO 2022 IR 148", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Latin5);
        yield return new("ISO 2022 IR 203", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Latin9);
        yield return new("ISO 2022 IR 166", CharacterSetTermKind.Iso2022, 0, ascii, CodeElement.Thai);
        yield return new("ISO 2022 IR 13", CharacterSetTermKind.Iso2022, 0, CodeElement.JisX0201Romaji, CodeElement.JisX0201Katakana);

        // Table C.12-4: multi-byte sets with code extensions.
        yield return new("ISO 2022 IR 87", CharacterSetTermKind.Iso2022, 0, CodeElement.JisX0208, null);
        yield return new("ISO 2022 IR 159", CharacterSetTermKind.Iso2022, 0, CodeElement.JisX0212, null);
        yield return new("ISO 2022 IR 149", CharacterSetTermKind.Iso2022, 0, null, CodeElement.KsX1001);
        yield return new("ISO 2022 IR 58", CharacterSetTermKind.Iso2022, 0, null, CodeElement.Gb2312);

        // Table C.12-5: multi-byte sets without code extensions.
        yield return new("ISO_IR 192", CharacterSetTermKind.WholeValue, CodePages.Utf8, null, null);
        yield return new("GB18030", CharacterSetTermKind.WholeValue, CodePages.Gb18030, null, null);
        yield return new("GBK", CharacterSetTermKind.WholeValue, CodePages.Gbk, null, null);
    }
}
