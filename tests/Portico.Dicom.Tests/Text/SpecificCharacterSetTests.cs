using System.Text;
using Portico.Dicom.Text;
using Xunit;

namespace Portico.Dicom.Tests.Text;

public class SpecificCharacterSetTests
{
    // PS3.5 Annex H, I, J and K: the character strings of the examples.
    private const string JapaneseAnnexH1 = "Yamada^Tarou=山田^太郎=やまだ^たろう";
    private const string JapaneseAnnexH2 = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう";
    private const string KoreanAnnexI2 = "Hong^Gildong=洪^吉洞=홍^길동";
    private const string ChineseTraditionalAnnexJ1 = "Wang^XiaoDong=王^小東=";
    private const string ChineseSimplifiedAnnexJ3 = "Wang^XiaoDong=王^小东=";
    private const string ChineseAnnexK2 = "Zhang^XiaoDong=张^小东=";
    private const string ChineseAnnexK3 = "1.第一行文字。\r\n2.第二行文字。\r\n3.第三行文字。\r\n";

    // PS3.5 Example H.3-1, and (0010,0010) of pydicom's chrH31.dcm.
    private const string JapaneseAnnexH1Bytes =
        "59 61 6D 61 64 61 5E 54 61 72 6F 75 3D 1B 24 42 3B 33 45 44 1B 28 42 5E 1B 24 42 42 40 4F 3A 1B 28 42 " +
        "3D 1B 24 42 24 64 24 5E 24 40 1B 28 42 5E 1B 24 42 24 3F 24 6D 24 26 1B 28 42";

    // PS3.5 Example H.3-2, and (0010,0010) of chrH32.dcm.
    private const string JapaneseAnnexH2Bytes =
        "D4 CF C0 DE 5E C0 DB B3 3D 1B 24 42 3B 33 45 44 1B 28 4A 5E 1B 24 42 42 40 4F 3A 1B 28 4A " +
        "3D 1B 24 42 24 64 24 5E 24 40 1B 28 4A 5E 1B 24 42 24 3F 24 6D 24 26 1B 28 4A";

    // PS3.5 Example I.2-1, and (0010,0010) of chrI2.dcm.
    private const string KoreanAnnexI2Bytes =
        "48 6F 6E 67 5E 47 69 6C 64 6F 6E 67 3D 1B 24 29 43 FB F3 5E 1B 24 29 43 D1 CE D4 D7 " +
        "3D 1B 24 29 43 C8 AB 5E 1B 24 29 43 B1 E6 B5 BF";

    // PS3.5 Example J.1-1 (padded with one space as in chrX1.dcm).
    private const string ChineseAnnexJ1Bytes =
        "57 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D E7 8E 8B 5E E5 B0 8F E6 9D B1 3D";

    // PS3.5 Example J.3-1, and (0010,0010) of chrX2.dcm.
    private const string ChineseAnnexJ3Bytes =
        "57 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D CD F5 5E D0 A1 B6 AB 3D";

    // PS3.5 Example K.2-1 without its trailing padding space.
    private const string ChineseAnnexK2Bytes =
        "5A 68 61 6E 67 5E 58 69 61 6F 44 6F 6E 67 3D 1B 24 29 41 D5 C5 5E 1B 24 29 41 D0 A1 B6 AB 3D";

    // PS3.5 Example K.3-1, padding space included.
    private const string ChineseAnnexK3Bytes =
        "31 2E 1B 24 29 41 B5 DA D2 BB D0 D0 CE C4 D7 D6 A1 A3 1B 28 42 0D 0A " +
        "32 2E 1B 24 29 41 B5 DA B6 FE D0 D0 CE C4 D7 D6 A1 A3 1B 28 42 0D 0A " +
        "33 2E 1B 24 29 41 B5 DA C8 FD D0 D0 CE C4 D7 D6 A1 A3 1B 28 42 0D 0A 20";

    // (0010,1001) of chrJapMulti.dcm: two PN values, each switching to JIS X 0208 and back.
    private const string JapaneseMultiValuedBytes =
        "1B 24 42 24 64 24 5E 24 40 1B 28 42 5E 1B 24 42 24 3F 24 6D 24 26 1B 28 42 5C " +
        "1B 24 42 24 64 24 5E 24 40 1B 28 42 5E 1B 24 42 24 3F 24 6D 24 26 1B 28 42 20";

    public static TheoryData<string, string, string> PatientNamesOfCharsetFiles => new()
    {
        // pydicom/data/charset_files: (0008,0005), (0010,0010) bytes, and the name those bytes
        // stand for in the repertoire FileInfo.txt lists for the file.
        { "ISO_IR 127", "E2 C8 C7 E6 EA 5E E4 E6 D2 C7 D1 20", "قباني^لنزار " },
        { "ISO_IR 100", "42 75 63 5E 4A E9 72 F4 6D 65", "Buc^Jérôme" },
        { "ISO_IR 100", "C4 6E 65 61 73 5E 52 FC 64 69 67 65 72 20", "Äneas^Rüdiger " },
        { "ISO_IR 126", "C4 E9 EF ED F5 F3 E9 EF F2 20", "Διονυσιος " },
        { "ISO_IR 138", "F9 F8 E5 EF 5E E3 E1 E5 F8 E4", "שרון^דבורה" },
        { "ISO_IR 144", "BB EE DA 63 65 DC D1 79 70 D3", "Люкceмбypг" },
        { "\\ISO 2022 IR 87", JapaneseAnnexH1Bytes, JapaneseAnnexH1 },
        { "ISO 2022 IR 13\\ISO 2022 IR 87", JapaneseAnnexH2Bytes, JapaneseAnnexH2 },
        { "\\ISO 2022 IR 149", KoreanAnnexI2Bytes, KoreanAnnexI2 },
        { "ISO_IR 192", ChineseAnnexJ1Bytes + " 20", ChineseTraditionalAnnexJ1 + " " },
        { "GB18030", ChineseAnnexJ3Bytes, ChineseSimplifiedAnnexJ3 },

        // chrSQEncoding.dcm: the Annex H.3-2 name, but returning to G0 with ESC ( B.
        {
            "ISO 2022 IR 13\\ISO 2022 IR 87 ",
            "D4 CF C0 DE 5E C0 DB B3 3D 1B 24 42 3B 33 45 44 1B 28 42 5E 1B 24 42 42 40 4F 3A 1B 28 42 " +
            "3D 1B 24 42 24 64 24 5E 24 40 1B 28 42 5E 1B 24 42 24 3F 24 6D 24 26 1B 28 42",
            JapaneseAnnexH2
        },
    };

    public static TheoryData<string, string, DecodeContext> RoundTripSamples => new()
    {
        { "ISO_IR 6", "Doe^John", DecodeContext.PersonName },
        { "ISO_IR 100", "Buc^Jérôme", DecodeContext.PersonName },
        { "ISO_IR 101", "Dvořák^Łukasz", DecodeContext.PersonName },
        { "ISO_IR 109", "Ħaġar^Ġużè", DecodeContext.PersonName },
        { "ISO_IR 110", "Šķēle^Ņina", DecodeContext.PersonName },
        { "ISO_IR 144", "Люксембург", DecodeContext.PersonName },
        { "ISO_IR 127", "قباني^لنزار", DecodeContext.PersonName },
        { "ISO_IR 126", "Διονυσιος", DecodeContext.PersonName },
        { "ISO_IR 138", "שרון^דבורה", DecodeContext.PersonName },
        { "ISO_IR 148", "Öztürk^Şükrü", DecodeContext.PersonName },
        { "ISO_IR 203", "Œuvre^Žofie 5€", DecodeContext.PersonName },
        { "ISO_IR 166", "สมชาย^ใจดี", DecodeContext.PersonName },
        { "ISO_IR 13", "ﾔﾏﾀﾞ^ﾀﾛｳ", DecodeContext.PersonName },
        { "ISO_IR 13", "ｶﾞｿﾞｳ ¥100‾", DecodeContext.Text },
        { "ISO_IR 192", ChineseTraditionalAnnexJ1 + "😀", DecodeContext.PersonName },
        { "GB18030", ChineseSimplifiedAnnexJ3 + "😀", DecodeContext.PersonName },
        { "GBK", ChineseSimplifiedAnnexJ3, DecodeContext.PersonName },
        { "ISO 2022 IR 6", "Doe^John", DecodeContext.PersonName },
        { "ISO 2022 IR 100", "Buc^Jérôme", DecodeContext.PersonName },
        { "ISO 2022 IR 101", "Dvořák^Łukasz", DecodeContext.PersonName },
        { "ISO 2022 IR 109", "Ħaġar^Ġużè", DecodeContext.PersonName },
        { "ISO 2022 IR 110", "Šķēle^Ņina", DecodeContext.PersonName },
        { "ISO 2022 IR 144", "Люксембург", DecodeContext.PersonName },
        { "ISO 2022 IR 127", "قباني^لنزار", DecodeContext.PersonName },
        { "ISO 2022 IR 126", "Διονυσιος", DecodeContext.PersonName },
        { "ISO 2022 IR 138", "שרון^דבורה", DecodeContext.PersonName },
        { "ISO 2022 IR 148", "Öztürk^Şükrü", DecodeContext.PersonName },
        { "ISO 2022 IR 203", "Œuvre^Žofie 5€", DecodeContext.PersonName },
        { "ISO 2022 IR 166", "สมชาย^ใจดี", DecodeContext.PersonName },
        { "ISO 2022 IR 13", "ﾔﾏﾀﾞ^ﾀﾛｳ", DecodeContext.PersonName },
        { "\\ISO 2022 IR 87", JapaneseAnnexH1, DecodeContext.PersonName },
        { "ISO 2022 IR 13\\ISO 2022 IR 87", JapaneseAnnexH2, DecodeContext.PersonName },
        { "\\ISO 2022 IR 87\\ISO 2022 IR 159", "山田^丂ā=ヤマダ", DecodeContext.PersonName },
        { "\\ISO 2022 IR 149", KoreanAnnexI2, DecodeContext.PersonName },
        { "\\ISO 2022 IR 58", ChineseAnnexK2, DecodeContext.PersonName },
        { "\\ISO 2022 IR 58", ChineseAnnexK3, DecodeContext.Text },
        { "\\ISO 2022 IR 87", "山田\\やまだ\\Yamada", DecodeContext.MultiValued },
        { "\\ISO 2022 IR 149", "홍길동\r\n洪吉洞 Hong\tGildong", DecodeContext.Text },
        { "ISO 2022 IR 100\\ISO 2022 IR 126\\ISO 2022 IR 144", "Jérôme Διονυσιος\r\nЛюксембург Äneas", DecodeContext.Text },
    };

    public static TheoryData<string> DefinedTerms => new()
    {
        "ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144", "ISO_IR 127",
        "ISO_IR 126", "ISO_IR 138", "ISO_IR 148", "ISO_IR 203", "ISO_IR 166", "ISO_IR 13", "ISO_IR 192",
        "GB18030", "GBK", "ISO 2022 IR 6", "ISO 2022 IR 100", "ISO 2022 IR 101", "ISO 2022 IR 109",
        "ISO 2022 IR 110", "ISO 2022 IR 144", "ISO 2022 IR 127", "ISO 2022 IR 126", "ISO 2022 IR 138",
        "ISO 2022 IR 148", "ISO 2022 IR 203", "ISO 2022 IR 166", "ISO 2022 IR 13", "ISO 2022 IR 87",
        "ISO 2022 IR 159", "ISO 2022 IR 149", "ISO 2022 IR 58",
    };

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ISO_IR 6")]
    [InlineData("ISO 2022 IR 6")]
    public void Parse_AbsentOrAsciiValue_IsDefault(string? value)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse(value);

        Assert.True(charset.IsDefault);
        Assert.Empty(charset.UnknownTerms);
    }

    [Fact]
    public void Default_HasNoTerms_IsDefault()
    {
        Assert.True(SpecificCharacterSet.Default.IsDefault);
        Assert.Empty(SpecificCharacterSet.Default.Terms);
        Assert.Same(SpecificCharacterSet.Default, SpecificCharacterSet.Parse(null));
    }

    [Theory]
    [MemberData(nameof(DefinedTerms))]
    public void Parse_DefinedTerm_IsKnown(string term)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse(term);

        Assert.Equal([term], charset.Terms);
        Assert.Empty(charset.UnknownTerms);
    }

    [Fact]
    public void Parse_PaddedValues_TrimsEachTerm()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse(" ISO 2022 IR 13 \\ISO 2022 IR 87 \0");

        Assert.Equal(["ISO 2022 IR 13", "ISO 2022 IR 87"], charset.Terms);
        Assert.Equal("ISO 2022 IR 13\\ISO 2022 IR 87", charset.ToString());
    }

    [Fact]
    public void Parse_EmptyFirstValue_KeepsEmptyTerm()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 87");

        Assert.Equal(["", "ISO 2022 IR 87"], charset.Terms);
        Assert.False(charset.IsDefault);
        Assert.Equal("\\ISO 2022 IR 87", charset.ToString());
    }

    [Fact]
    public void Parse_SameValueTwice_ReturnsSameInstance()
    {
        Assert.Same(SpecificCharacterSet.Parse("ISO_IR 100"), SpecificCharacterSet.Parse("ISO_IR 100 "));
    }

    [Fact]
    public void Parse_UnknownTerm_RecordsItAndReadsLatin1()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO_IR 999");

        Assert.Equal(["ISO_IR 999"], charset.UnknownTerms);
        Assert.True(charset.IsDefault);
        Assert.Equal("Buc^Jérôme", charset.Decode(Hex("42 75 63 5E 4A E9 72 F4 6D 65")));
        Assert.Equal("Buc^J?r?me"u8.ToArray(), charset.Encode("Buc^Jérôme"));
    }

    [Fact]
    public void Parse_UnknownTermAmongKnown_KnownTermsStillApply()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 87\\ISO 2022 IR 999");

        Assert.Equal(["ISO 2022 IR 999"], charset.UnknownTerms);
        Assert.Equal(JapaneseAnnexH1, charset.Decode(Hex(JapaneseAnnexH1Bytes), DecodeContext.PersonName));
    }

    [Fact]
    public void Parse_UnknownValueOne_StartsInAscii()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO-IR 100\\ISO 2022 IR 149");

        Assert.Equal(["ISO-IR 100"], charset.UnknownTerms);
        Assert.Equal(KoreanAnnexI2, charset.Decode(Hex(KoreanAnnexI2Bytes), DecodeContext.PersonName));
    }

    [Theory]
    [InlineData("\\\\\\")]
    [InlineData("\0\0")]
    [InlineData("ISO_IR 192\\ISO 2022 IR 87")]
    [InlineData("GB18030\\GBK\\ISO_IR 192")]
    [InlineData("iso_ir 100")]
    [InlineData("ISO 2022 IR 87")]
    [InlineData("ISO 2022 IR 149\\ISO_IR 100")]
    public void Parse_OddValue_DoesNotThrow(string value)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse(value);

        Assert.NotNull(charset.Decode(Hex("41 1B 24 42 3B 33 C4 5C FB F3 1B")));
        Assert.NotNull(charset.Encode("A山Ä\\홍"));
    }

    [Fact]
    public void FromBytes_PaddedRawValue_MatchesParse()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.FromBytes("ISO 2022 IR 13\\ISO 2022 IR 87 "u8);

        Assert.Equal(["ISO 2022 IR 13", "ISO 2022 IR 87"], charset.Terms);
        Assert.Same(SpecificCharacterSet.Parse("ISO 2022 IR 13\\ISO 2022 IR 87"), charset);
    }

    [Fact]
    public void FromBytes_SameBytesTwice_ReturnsSameInstance()
    {
        Assert.Same(SpecificCharacterSet.FromBytes("\\ISO 2022 IR 149"u8), SpecificCharacterSet.FromBytes("\\ISO 2022 IR 149"u8));
    }

    [Fact]
    public void FromBytes_EmptyOrPaddingOnly_ReturnsDefault()
    {
        Assert.Same(SpecificCharacterSet.Default, SpecificCharacterSet.FromBytes([]));
        Assert.Same(SpecificCharacterSet.Default, SpecificCharacterSet.FromBytes("  "u8));
    }

    [Fact]
    public void FromBytes_LongValue_DoesNotThrow()
    {
        byte[] raw = Encoding.ASCII.GetBytes(string.Join('\\', Enumerable.Repeat("ISO 2022 IR 100", 20)));

        SpecificCharacterSet charset = SpecificCharacterSet.FromBytes(raw);

        Assert.Equal(20, charset.Terms.Count);
        Assert.Equal("Jérôme", charset.Decode(Hex("4A E9 72 F4 6D 65")));
    }

    [Theory]
    [MemberData(nameof(PatientNamesOfCharsetFiles))]
    public void Decode_PatientNameOfCharsetFile_MatchesFileInfo(string specificCharacterSet, string hex, string expected)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.FromBytes(Encoding.ASCII.GetBytes(specificCharacterSet));

        Assert.Equal(expected, charset.Decode(Hex(hex), DecodeContext.PersonName));
    }

    [Fact]
    public void Decode_MultiValuedLatin1PersonName_KeepsBackslash()
    {
        // (0010,1001) of chrFrenMulti.dcm.
        byte[] bytes = Hex("42 75 63 5E 4A E9 72 F4 6D 65 5C 42 75 63 5E 4A E9 72 F4 6D 65 20");

        string decoded = SpecificCharacterSet.Parse("ISO_IR 100").Decode(bytes, DecodeContext.PersonName);

        Assert.Equal("Buc^Jérôme\\Buc^Jérôme ", decoded);
    }

    [Theory]
    [InlineData("\\ISO 2022 IR 87")]
    [InlineData("ISO 2022 IR 6\\ISO 2022 IR 87")]
    public void Decode_MultiValuedJapanesePersonName_DecodesEachValue(string specificCharacterSet)
    {
        // (0010,1001) of chrJapMulti.dcm and chrJapMultiExplicitIR6.dcm.
        SpecificCharacterSet charset = SpecificCharacterSet.Parse(specificCharacterSet);

        string decoded = charset.Decode(Hex(JapaneseMultiValuedBytes), DecodeContext.PersonName);

        Assert.Equal("やまだ^たろう\\やまだ^たろう ", decoded);
    }

    [Fact]
    public void Decode_AnnexK3LongText_ReturnsToAsciiAtEachLine()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 58");

        Assert.Equal(ChineseAnnexK3 + " ", charset.Decode(Hex(ChineseAnnexK3Bytes)));
    }

    [Fact]
    public void Decode_AnnexK2PersonName_MatchesStandard()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 58");

        Assert.Equal(ChineseAnnexK2 + " ", charset.Decode(Hex(ChineseAnnexK2Bytes + " 20"), DecodeContext.PersonName));
    }

    [Fact]
    public void Decode_GbkAnnexJ3Bytes_MatchesStandard()
    {
        // PS3.5 Annex J: the J.3 characters are in the area GBK shares with GB18030.
        Assert.Equal(ChineseSimplifiedAnnexJ3, SpecificCharacterSet.Parse("GBK").Decode(Hex(ChineseAnnexJ3Bytes)));
    }

    [Theory]
    [InlineData("\\ISO 2022 IR 87", JapaneseAnnexH1, JapaneseAnnexH1Bytes)]
    [InlineData("ISO 2022 IR 13\\ISO 2022 IR 87", JapaneseAnnexH2, JapaneseAnnexH2Bytes)]
    [InlineData("\\ISO 2022 IR 149", KoreanAnnexI2, KoreanAnnexI2Bytes)]
    [InlineData("\\ISO 2022 IR 58", ChineseAnnexK2, ChineseAnnexK2Bytes)]
    [InlineData("ISO_IR 192", ChineseTraditionalAnnexJ1, ChineseAnnexJ1Bytes)]
    [InlineData("GB18030", ChineseSimplifiedAnnexJ3, ChineseAnnexJ3Bytes)]
    [InlineData("ISO_IR 100", "Buc^Jérôme", "42 75 63 5E 4A E9 72 F4 6D 65")]
    [InlineData("ISO_IR 13", "ﾔﾏﾀﾞ^ﾀﾛｳ", "D4 CF C0 DE 5E C0 DB B3")]
    public void Encode_StandardExample_MatchesStandardBytes(string specificCharacterSet, string text, string hex)
    {
        byte[] encoded = SpecificCharacterSet.Parse(specificCharacterSet).Encode(text, DecodeContext.PersonName);

        Assert.Equal(Hex(hex), encoded);
    }

    [Fact]
    public void Encode_JisX0212Character_DesignatesIr159()
    {
        // 丂 (U+4E02) is JIS X 0212 03/00 02/01; JIS X 0208 does not have it.
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 87\\ISO 2022 IR 159");

        Assert.Equal(Hex("1B 24 28 44 30 21 1B 28 42"), charset.Encode("丂"));
        Assert.Equal("丂", charset.Decode(Hex("1B 24 28 44 30 21 1B 28 42")));
    }

    [Theory]
    [MemberData(nameof(RoundTripSamples))]
    public void EncodeThenDecode_RepresentableText_RoundTrips(string specificCharacterSet, string text, DecodeContext context)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse(specificCharacterSet);

        byte[] encoded = charset.Encode(text, context);

        Assert.Equal(text, charset.Decode(encoded, context));
    }

    [Theory]
    [InlineData("ISO 2022 IR 13\\ISO 2022 IR 87", DecodeContext.PersonName)]
    [InlineData("\\ISO 2022 IR 149", DecodeContext.MultiValued)]
    [InlineData("ISO 2022 IR 100\\ISO 2022 IR 126", DecodeContext.Text)]
    public void EncodeThenDecode_ValueLongerThanStackBuffer_RoundTrips(string specificCharacterSet, DecodeContext context)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse(specificCharacterSet);
        string sample = specificCharacterSet.Contains("87", StringComparison.Ordinal) ? JapaneseAnnexH2
            : specificCharacterSet.Contains("149", StringComparison.Ordinal) ? "홍길동 洪吉洞"
            : "Jérôme Διονυσιος";
        string text = string.Join('\\', Enumerable.Repeat(sample, 60));

        byte[] encoded = charset.Encode(text, context);

        Assert.True(encoded.Length > 1024);
        Assert.Equal(text, charset.Decode(encoded, context));
    }

    [Theory]
    [InlineData("ISO_IR 100", "山", "?")]
    [InlineData("ISO_IR 6", "é", "?")]
    [InlineData("ISO_IR 144", "Jérôme", "J?r?me")]
    [InlineData("\\ISO 2022 IR 87", "שלום", "????")]
    [InlineData("\\ISO 2022 IR 87", "😀", "?")]
    [InlineData("\\ISO 2022 IR 149", "山田 ש", "山田 ?")]
    [InlineData("ISO 2022 IR 13\\ISO 2022 IR 87", "A\\B~", "A?B?")]
    public void Encode_CharacterOutsideDeclaredSets_WritesQuestionMark(string specificCharacterSet, string text, string expected)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse(specificCharacterSet);

        byte[] encoded = charset.Encode(text);

        Assert.Equal(expected, charset.Decode(encoded));
    }

    [Fact]
    public void Encode_YenSignInJisX0201_IsCharacterInTextButNotBesideDelimiters()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO_IR 13");

        Assert.Equal(Hex("5C 31"), charset.Encode("¥1", DecodeContext.Text));
        Assert.Equal(Hex("3F 31 5C 32"), charset.Encode("¥1\\2", DecodeContext.MultiValued));
    }

    [Fact]
    public void Encode_PersonNameDelimiter_ReturnsToInitialG1()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO 2022 IR 100\\ISO 2022 IR 126");

        Assert.Equal(Hex("1B 2D 46 C4 1B 2D 41 5E C4"), charset.Encode("Δ^Ä", DecodeContext.PersonName));
        Assert.Equal(Hex("1B 2D 46 C4 5E 1B 2D 41 C4"), charset.Encode("Δ^Ä", DecodeContext.Text));
    }

    [Fact]
    public void Encode_LineBreak_ReturnsToInitialG0()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 87");

        Assert.Equal(Hex("1B 24 42 3B 33 1B 28 42 0D 0A 1B 24 42 45 44 1B 28 42"), charset.Encode("山\r\n田"));
    }

    [Fact]
    public void Encode_Empty_ReturnsEmpty()
    {
        Assert.Empty(SpecificCharacterSet.Parse("\\ISO 2022 IR 87").Encode(string.Empty));
        Assert.Equal(string.Empty, SpecificCharacterSet.Parse("\\ISO 2022 IR 87").Decode([]));
    }

    [Theory]
    [InlineData(DecodeContext.PersonName, "‾^~")]
    [InlineData(DecodeContext.MultiValued, "‾^‾")]
    [InlineData(DecodeContext.Text, "‾^‾")]
    public void Decode_CaretAfterDesignation_ResetsG0OnlyForPersonName(DecodeContext context, string expected)
    {
        // G0 switched from ASCII to JIS X 0201 Roman, where 07/14 is OVERLINE rather than TILDE.
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO 2022 IR 6\\ISO 2022 IR 13");

        Assert.Equal(expected, charset.Decode(Hex("1B 28 4A 7E 5E 7E"), context));
    }

    [Theory]
    [InlineData(DecodeContext.PersonName, "‾\\~")]
    [InlineData(DecodeContext.MultiValued, "‾\\~")]
    [InlineData(DecodeContext.Text, "‾¥‾")]
    public void Decode_Byte5CAfterDesignation_IsDelimiterExceptInText(DecodeContext context, string expected)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO 2022 IR 6\\ISO 2022 IR 13");

        Assert.Equal(expected, charset.Decode(Hex("1B 28 4A 7E 5C 7E"), context));
    }

    [Theory]
    [InlineData("0D 0A", "\r\n")]
    [InlineData("09", "\t")]
    [InlineData("0C", "\f")]
    public void Decode_ControlCharacter_ResetsG0InEveryContext(string control, string expected)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO 2022 IR 6\\ISO 2022 IR 13");

        Assert.Equal($"‾{expected}~", charset.Decode(Hex($"1B 28 4A 7E {control} 7E")));
    }

    [Theory]
    [InlineData(DecodeContext.PersonName, "Δ^Ä")]
    [InlineData(DecodeContext.Text, "Δ^Δ")]
    public void Decode_CaretAfterG1Designation_ResetsG1ForPersonName(DecodeContext context, string expected)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO 2022 IR 100\\ISO 2022 IR 126");

        Assert.Equal(expected, charset.Decode(Hex("1B 2D 46 C4 5E C4"), context));
    }

    [Fact]
    public void Decode_JisX0201Romaji_MapsYenAndOverline()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("ISO_IR 13");

        Assert.Equal("¥100‾ｱ", charset.Decode(Hex("5C 31 30 30 7E B1")));
    }

    [Fact]
    public void Decode_HighBytesWithoutG1Designation_UseDeclaredG1Set()
    {
        // Writers that omit ESC $ ) C still mean KS X 1001.
        Assert.Equal("洪", SpecificCharacterSet.Parse("\\ISO 2022 IR 149").Decode(Hex("FB F3")));
    }

    [Fact]
    public void Decode_VendorRowOfJisX0208_IsDecodedButNeverEncoded()
    {
        // 02/13 02/01 is CIRCLED DIGIT ONE in the NEC row that code page 20932 adds to JIS X 0208.
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 87");

        Assert.Equal("①", charset.Decode(Hex("1B 24 42 2D 21 1B 28 42")));
        Assert.Equal("?"u8.ToArray(), charset.Encode("①"));
    }

    [Theory]
    [InlineData("1B 24", "\uFFFD$")]
    [InlineData("1B", "\uFFFD")]
    [InlineData("1B 24 42 3B", "\uFFFD")]
    [InlineData("1B 28 5A 41", "A")]
    [InlineData("1B 24 29 43 FB", "\uFFFD")]
    [InlineData("1B 24 29 43 FB 41", "\uFFFDA")]
    public void Decode_MalformedIso2022_ReplacesWithoutThrowing(string hex, string expected)
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 87\\ISO 2022 IR 149");

        Assert.Equal(expected, charset.Decode(Hex(hex)));
    }

    [Fact]
    public void Decode_RandomBytes_NeverThrowsAndNeverGrows()
    {
        var random = new Random(20240601);
        var buffer = new byte[600];
        string[] values =
        [
            "", "ISO_IR 100", "ISO_IR 13", "ISO_IR 192", "GB18030", "GBK", "ISO_IR 166",
            "\\ISO 2022 IR 87\\ISO 2022 IR 159", "ISO 2022 IR 13\\ISO 2022 IR 87", "\\ISO 2022 IR 149",
            "\\ISO 2022 IR 58", "ISO 2022 IR 100\\ISO 2022 IR 126\\ISO 2022 IR 144",
        ];
        foreach (string value in values)
        {
            SpecificCharacterSet charset = SpecificCharacterSet.Parse(value);
            for (int round = 0; round < 200; round++)
            {
                Span<byte> bytes = buffer.AsSpan(0, random.Next(buffer.Length));
                random.NextBytes(bytes);
                foreach (DecodeContext context in Enum.GetValues<DecodeContext>())
                {
                    string decoded = charset.Decode(bytes, context);
                    Assert.True(decoded.Length <= bytes.Length);
                }
            }
        }
    }

    [Fact]
    public void Decode_AsciiOnlyUnderCodeExtensions_MatchesAscii()
    {
        SpecificCharacterSet charset = SpecificCharacterSet.Parse("\\ISO 2022 IR 87");

        Assert.Equal("Doe^John\\Roe", charset.Decode("Doe^John\\Roe"u8, DecodeContext.PersonName));
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
}
