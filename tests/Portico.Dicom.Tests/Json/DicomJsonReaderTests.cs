using System.Text;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Json;
using Portico.Dicom.Values;
using Xunit;
using static Portico.Dicom.Tests.Json.DicomJsonTestData;

namespace Portico.Dicom.Tests.Json;

public sealed class DicomJsonReaderTests
{
    [Fact]
    public void Deserialize_F4Example_ReadsEveryAttribute()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize(F4Example);

        Assert.Equal(19, dataset.Count);
        Assert.Equal("ISO_IR 192", Utf8(dataset, SpecificCharacterSet));
        Assert.Equal("Wang^XiaoDong=王^小東", Utf8(dataset, PatientName));
        Assert.Equal("^Bob^^Dr.", Utf8(dataset, new DicomTag(0x0008, 0x0090)));
        Assert.Equal("CT\\PET", Utf8(dataset, new DicomTag(0x0008, 0x0061)));
        Assert.Equal("4", Utf8(dataset, new DicomTag(0x0020, 0x1206)));
        Assert.Equal("942", Utf8(dataset, new DicomTag(0x0020, 0x1208)));
        DicomElement un = Assert.IsType<DicomElement>(dataset.Find(new DicomTag(0x0009, 0x1002)));
        Assert.Equal(DicomVR.UN, un.VR);
        Assert.Equal(Convert.FromBase64String("z0x9c8v7"), un.Value.ToArray());
        DicomElement uid = Assert.IsType<DicomElement>(dataset.Find(new DicomTag(0x0020, 0x000D)));
        Assert.Equal("1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"u8.ToArray(), uid.Value.ToArray()); // even: no padding
        DicomSequence otherIds = dataset.GetSequence(new DicomTag(0x0010, 0x1002))!;
        Assert.Equal(2, otherIds.Items.Count);
        Assert.Equal("Hospital C", Utf8(otherIds.Items[1], new DicomTag(0x0010, 0x0021)));
        Assert.Same(dataset, otherIds.Items[1].Parent);
    }

    [Fact]
    public void Deserialize_F4ExampleAsObject_SameAsInArray()
    {
        string objectOnly = F4Example.Trim()[1..^1];

        AssertEquivalent(DicomJsonReader.Deserialize(F4Example), DicomJsonReader.Deserialize(objectOnly));
    }

    [Fact]
    public void Deserialize_NonAsciiTextWithoutCharacterSet_AddsIsoIr192()
    {
        const string Json = """
            {
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Gómez^José" } ] },
              "00101002": { "vr": "SQ", "Value": [ { "00100021": { "vr": "LO", "Value": [ "Hôpital" ] } } ] }
            }
            """;

        DicomDataset dataset = DicomJsonReader.Deserialize(Json);

        Assert.Equal("ISO_IR 192", Utf8(dataset, SpecificCharacterSet));
        Assert.Equal("Gómez^José", Utf8(dataset, PatientName));
        Assert.Equal("Gómez^José", dataset.GetString(PatientName));
        Assert.Equal("Hôpital", dataset.GetSequence(new DicomTag(0x0010, 0x1002))!.Items[0].GetString(new DicomTag(0x0010, 0x0021)));
    }

    [Fact]
    public void Deserialize_NonAsciiOnlyInAnItem_AddsIsoIr192AtTopLevel()
    {
        const string Json = """{ "00400275": { "vr": "SQ", "Value": [ { }, { "00321060": { "vr": "LO", "Value": [ "Ультразвук" ] } } ] } }""";

        DicomDataset dataset = DicomJsonReader.Deserialize(Json);

        Assert.Equal("ISO_IR 192", Utf8(dataset, SpecificCharacterSet));
        Assert.Empty(dataset.GetSequence(new DicomTag(0x0040, 0x0275))!.Items[0]);
    }

    [Fact]
    public void Deserialize_AsciiTextOnly_AddsNoCharacterSet()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize("""{ "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Doe^John" } ] } }""");

        Assert.False(dataset.Contains(SpecificCharacterSet));
    }

    [Fact]
    public void Deserialize_DeclaredLatin1WithNonAsciiText_ReplacesCharacterSetWithUtf8()
    {
        const string Json = """
            {
              "00080005": { "vr": "CS", "Value": [ "ISO_IR 100" ] },
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Müller" } ] }
            }
            """;

        DicomDataset dataset = DicomJsonReader.Deserialize(Json);

        Assert.Equal("ISO_IR 192", Utf8(dataset, SpecificCharacterSet));
        Assert.Equal("Müller", dataset.GetString(PatientName));
    }

    [Fact]
    public void Deserialize_DeclaredCharacterSetWithAsciiText_KeepsIt()
    {
        const string Json = """
            {
              "00080005": { "vr": "CS", "Value": [ null, "ISO 2022 IR 87" ] },
              "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Yamada^Tarou" } ] }
            }
            """;

        DicomDataset dataset = DicomJsonReader.Deserialize(Json);

        Assert.Equal("\\ISO 2022 IR 87", Utf8(dataset, SpecificCharacterSet));
    }

    [Fact]
    public void Deserialize_VRAfterValue_ReadsTheValue()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize("""{ "00280010": { "Value": [ 512 ], "vr": "US" } }""");

        Assert.Equal((ushort)512, dataset.GetValue<ushort>(new DicomTag(0x0028, 0x0010)));
    }

    [Fact]
    public void Deserialize_AttributesOutOfOrderAndLowercaseHex_AreSorted()
    {
        const string Json = """
            {
              "7fe00010": { "vr": "OW", "InlineBinary": "AQIDBA==" },
              "00280009": { "vr": "AT", "Value": [ "0018106a" ] },
              "00080060": { "vr": "CS", "Value": [ "MR" ] }
            }
            """;

        DicomDataset dataset = DicomJsonReader.Deserialize(Json);

        Assert.Equal([0x00080060u, 0x00280009u, 0x7FE00010u], dataset.Select(i => i.Tag.Value));
        Assert.Equal([new DicomTag(0x0018, 0x106A)], ((DicomElement)dataset.Find(new DicomTag(0x0028, 0x0009))!).GetTags());
    }

    [Fact]
    public void Deserialize_JsonEscapesInKeysVRsAndTags_AreUnescaped()
    {
        const string Json = """{ "\u00300280009": { "vr": "\u0041T", "Value": [ "\u0030018106A" ] } }""";

        DicomDataset dataset = DicomJsonReader.Deserialize(Json);

        Assert.Equal([new DicomTag(0x0018, 0x106A)], ((DicomElement)dataset.Find(new DicomTag(0x0028, 0x0009))!).GetTags());
    }

    [Fact]
    public void Deserialize_GroupLength_IsIgnored()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize("""{ "00100000": { "vr": "UL", "Value": [ 10 ] }, "00100020": { "vr": "LO", "Value": [ "ID1" ] } }""");

        Assert.Equal([new DicomTag(0x0010, 0x0020)], dataset.Select(i => i.Tag));
    }

    [Fact]
    public void Deserialize_DecimalStringNumbers_KeepsTheirTextWithinSixteenCharacters()
    {
        const string Json = """{ "00280030": { "vr": "DS", "Value": [ 0.50, 1e-7, 0.30000000000000004, "  2.5", null ] } }""";

        DicomDataset dataset = DicomJsonReader.Deserialize(Json);

        Assert.Equal("0.50\\1e-7\\0.3\\  2.5\\", Utf8(dataset, new DicomTag(0x0028, 0x0030)));
    }

    [Fact]
    public void Deserialize_IntegerStringNumbers_WritesIntegers()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize("""{ "00200013": { "vr": "IS", "Value": [ 7, -3, 4.0, 1e3, "+5" ] } }""");

        Assert.Equal("7\\-3\\4\\1000\\+5", Utf8(dataset, new DicomTag(0x0020, 0x0013)));
    }

    [Fact]
    public void Deserialize_VeryLongsAsStringsOrNumbers_ReadsExactly()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize("""{ "00091001": { "vr": "UV", "Value": [ "18446744073709551615", 3 ] }, "00091002": { "vr": "SV", "Value": [ "-9223372036854775808", -4 ] } }""");

        Assert.Equal([ulong.MaxValue, 3ul], ((DicomElement)dataset.Find(Private(0x01))!).GetValues<ulong>());
        Assert.Equal([long.MinValue, -4L], ((DicomElement)dataset.Find(Private(0x02))!).GetValues<long>());
    }

    [Fact]
    public void Deserialize_PersonNameAsPlainString_IsAccepted()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize("""{ "00100010": { "vr": "PN", "Value": [ "Doe^John", null, "Roe^Jane=" ] } }""");

        Assert.Equal("Doe^John\\\\Roe^Jane=", Utf8(dataset, PatientName));
    }

    [Fact]
    public void Deserialize_OddLengthValues_ArePaddedWithTheVRPaddingByte()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize("""{ "00080018": { "vr": "UI", "Value": [ "1.2.3" ] }, "00100020": { "vr": "LO", "Value": [ "ABC" ] }, "00091001": { "vr": "OB", "InlineBinary": "AQID" } }""");

        Assert.Equal("1.2.3\0"u8.ToArray(), ((DicomElement)dataset.Find(new DicomTag(0x0008, 0x0018))!).Value.ToArray());
        Assert.Equal("ABC "u8.ToArray(), ((DicomElement)dataset.Find(new DicomTag(0x0010, 0x0020))!).Value.ToArray());
        Assert.Equal([1, 2, 3, 0], ((DicomElement)dataset.Find(Private(0x01))!).Value.ToArray());
    }

    [Fact]
    public void Deserialize_BulkDataUri_UsesTheResolverOrLeavesTheAttributeOut()
    {
        const string Json = """{ "00100020": { "vr": "LO", "Value": [ "ID1" ] }, "7FE00010": { "vr": "OW", "BulkDataURI": "https://pacs.example/bulk/1" } }""";
        var options = new DicomJsonOptions { BulkDataResolver = (tag, vr, uri) => uri.EndsWith("/1", StringComparison.Ordinal) ? new byte[] { 1, 0, 2, 0 } : null };

        DicomDataset resolved = DicomJsonReader.Deserialize(Json, options);
        DicomDataset unresolved = DicomJsonReader.Deserialize(Json);

        Assert.Equal([(ushort)1, (ushort)2], ((DicomElement)resolved.Find(new DicomTag(0x7FE0, 0x0010))!).GetValues<ushort>());
        Assert.False(unresolved.Contains(new DicomTag(0x7FE0, 0x0010)));
        Assert.True(unresolved.Contains(new DicomTag(0x0010, 0x0020)));
    }

    [Fact]
    public void Deserialize_ByteOrderMark_IsSkipped()
    {
        byte[] json = [.. "\uFEFF"u8, .. """{ "00100020": { "vr": "LO", "Value": [ "ID1" ] } }"""u8];

        Assert.Equal("ID1", Utf8(DicomJsonReader.Deserialize(json), new DicomTag(0x0010, 0x0020)));
    }

    [Fact]
    public void Deserialize_SequencesAtMaxDepth_AreRead()
    {
        string json = DicomJsonWriter.Serialize(DicomJsonWriterTests.Nested(depth: 64));

        DicomDataset dataset = DicomJsonReader.Deserialize(json);

        for (int i = 0; i < 64; i++)
        {
            dataset = dataset.GetSequence(Private(0x02))!.Items[0];
        }

        Assert.Equal("leaf", Utf8(dataset, Private(0x01)));
    }

    [Theory]
    [InlineData(65, 64)]
    [InlineData(3, 2)]
    public void Deserialize_SequencesDeeperThanMaxDepth_Throws(int depth, int maxDepth)
    {
        string json = DicomJsonWriter.Serialize(DicomJsonWriterTests.Nested(depth), options: new DicomJsonOptions { MaxDepth = depth });

        var ex = Assert.Throws<DicomFormatException>(() => DicomJsonReader.Deserialize(json, new DicomJsonOptions { MaxDepth = maxDepth }));

        Assert.Contains($"deeper than {maxDepth}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_DeepJsonNesting_ThrowsDicomFormatException()
    {
        string json = new string('[', 100_000) + new string(']', 100_000);

        Assert.Throws<DicomFormatException>(() => DicomJsonReader.Deserialize(json));
    }

    [Fact]
    public void Deserialize_ErrorInAnItem_NamesThePath()
    {
        const string Json = """{ "00101002": { "vr": "SQ", "Value": [ { }, { "00100020": { "vr": "LO", "Value": "24680" } } ] } }""";

        var ex = Assert.Throws<DicomFormatException>(() => DicomJsonReader.Deserialize(Json));

        Assert.Equal("Invalid DICOM JSON: (0010,1002) item 2 > (0010,0020) has a \"Value\" that is not an array (PS3.18 F.2.4).", ex.Message);
    }

    [Fact]
    public void Deserialize_ErrorMessage_NeverContainsTheValue()
    {
        var ex = Assert.Throws<DicomFormatException>(() => DicomJsonReader.Deserialize("""{ "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Secret^Name\\Other" } ] } }"""));

        Assert.DoesNotContain("Secret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty input")]
    [InlineData("not json", "not JSON")]
    [InlineData("{", "truncated")]
    [InlineData("42", "top-level number")]
    [InlineData("null", "top-level null")]
    [InlineData("[]", "no data set")]
    [InlineData("[{}, {}]", "two data sets for Deserialize")]
    [InlineData("[{}, 1]", "array holding a number")]
    [InlineData("{} {}", "content after the value")]
    [InlineData("{ /* c */ }", "comment")]
    [InlineData("""{ "00100020": { "vr": "LO", "Value": [ "a", ] } }""", "trailing comma")]
    [InlineData("""{ "0010,0020": { "vr": "LO" } }""", "tag with a comma")]
    [InlineData("""{ "(0010,0020)": { "vr": "LO" } }""", "tag in parentheses")]
    [InlineData("""{ "001000200": { "vr": "LO" } }""", "nine digits")]
    [InlineData("""{ "0010002": { "vr": "LO" } }""", "seven digits")]
    [InlineData("""{ "0010002G": { "vr": "LO" } }""", "not hexadecimal")]
    [InlineData("""{ "+0010020": { "vr": "LO" } }""", "sign")]
    [InlineData("""{ "FFFEE000": { "vr": "SQ" } }""", "item tag as attribute")]
    [InlineData("""{ "00100020": "ID1" }""", "attribute not an object")]
    [InlineData("""{ "00100020": { "Value": [ "ID1" ] } }""", "no vr")]
    [InlineData("""{ "00100020": { "vr": "XX" } }""", "unknown VR")]
    [InlineData("""{ "00100020": { "vr": "lo" } }""", "lowercase VR")]
    [InlineData("""{ "00100020": { "vr": "LOX" } }""", "three-letter VR")]
    [InlineData("""{ "00100020": { "vr": 42 } }""", "numeric VR")]
    [InlineData("""{ "00100020": { "vr": "LO", "vr": "SH" } }""", "vr twice")]
    [InlineData("""{ "00100020": { "vr": "LO", "Value": "ID1" } }""", "Value not an array")]
    [InlineData("""{ "00100020": { "vr": "LO", "Value": { "0": "ID1" } } }""", "Value an object")]
    [InlineData("""{ "00100020": { "vr": "LO", "value": [ "ID1" ] } }""", "unknown member")]
    [InlineData("""{ "00100020": { "vr": "LO", "Value": [ "ID1" ] }, "00100020": { "vr": "LO" } }""", "duplicate tag")]
    [InlineData("""{ "00100000": { "vr": "UL", "Value": [ 1 ] }, "00100000": { "vr": "UL" } }""", "duplicate group length")]
    [InlineData("""{ "7FE00010": { "vr": "OB", "BulkDataURI": "a" }, "7FE00010": { "vr": "OB" } }""", "duplicate of an unresolved attribute")]
    [InlineData("""{ "00100020": { "vr": "LO", "Value": [ 12 ] } }""", "number in LO")]
    [InlineData("""{ "00100020": { "vr": "LO", "Value": [ [ "a" ] ] } }""", "array in LO")]
    [InlineData("""{ "00100020": { "vr": "LO", "Value": [ "a\\b" ] } }""", "backslash in a value")]
    [InlineData("""{ "00104000": { "vr": "LT", "Value": [ "a", "b" ] } }""", "two values in LT")]
    [InlineData("""{ "00080060": { "vr": "CS", "Value": [ "Ω" ] } }""", "non-Latin-1 in CS")]
    [InlineData("""{ "00100010": { "vr": "PN", "Value": [ 1 ] } }""", "number as PN")]
    [InlineData("""{ "00100010": { "vr": "PN", "Value": [ { "Alphabetic": 1 } ] } }""", "number as PN group")]
    [InlineData("""{ "00100010": { "vr": "PN", "Value": [ { "Surname": "Doe" } ] } }""", "unknown PN group")]
    [InlineData("""{ "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "A", "Alphabetic": "B" } ] } }""", "PN group twice")]
    [InlineData("""{ "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "A=B" } ] } }""", "group delimiter in a group")]
    [InlineData("""{ "00280010": { "vr": "US", "Value": [ 70000 ] } }""", "US out of range")]
    [InlineData("""{ "00280010": { "vr": "US", "Value": [ -1 ] } }""", "negative US")]
    [InlineData("""{ "00280010": { "vr": "US", "Value": [ 1.5 ] } }""", "fraction in US")]
    [InlineData("""{ "00280010": { "vr": "US", "Value": [ "512" ] } }""", "string in US")]
    [InlineData("""{ "00280010": { "vr": "US", "Value": [ null ] } }""", "null in US")]
    [InlineData("""{ "00280010": { "vr": "SS", "Value": [ 1e40 ] } }""", "huge SS")]
    [InlineData("""{ "00091001": { "vr": "UV", "Value": [ "-1" ] } }""", "negative UV")]
    [InlineData("""{ "00091001": { "vr": "SV", "Value": [ "9223372036854775808" ] } }""", "SV overflow")]
    [InlineData("""{ "00091001": { "vr": "SV", "Value": [ "12abc" ] } }""", "SV not a number")]
    [InlineData("""{ "00189087": { "vr": "FD", "Value": [ 1e400 ] } }""", "FD overflow")]
    [InlineData("""{ "00189087": { "vr": "FL", "Value": [ 1e300 ] } }""", "FL overflow")]
    [InlineData("""{ "00189087": { "vr": "FD", "Value": [ "nan" ] } }""", "FD unknown string")]
    [InlineData("""{ "00200013": { "vr": "IS", "Value": [ 4.5 ] } }""", "fraction in IS")]
    [InlineData("""{ "00200013": { "vr": "IS", "Value": [ 1e20 ] } }""", "IS too long")]
    [InlineData("""{ "00280009": { "vr": "AT", "Value": [ "0018,1063" ] } }""", "AT with a comma")]
    [InlineData("""{ "00280009": { "vr": "AT", "Value": [ 1577059 ] } }""", "AT as a number")]
    [InlineData("""{ "7FE00010": { "vr": "OB", "InlineBinary": "@@@@" } }""", "invalid base64")]
    [InlineData("""{ "7FE00010": { "vr": "OB", "InlineBinary": "AQI" } }""", "base64 without padding")]
    [InlineData("""{ "7FE00010": { "vr": "OB", "InlineBinary": [ "AQI=" ] } }""", "InlineBinary not a string")]
    [InlineData("""{ "7FE00010": { "vr": "OF", "InlineBinary": "AQIDBAUG" } }""", "InlineBinary not a multiple of 4 for OF")]
    [InlineData("""{ "7FE00010": { "vr": "OB", "Value": [ 1, 2 ] } }""", "Value for OB")]
    [InlineData("""{ "7FE00010": { "vr": "OB", "InlineBinary": "AQI=", "BulkDataURI": "x" } }""", "two value members")]
    [InlineData("""{ "00100010": { "vr": "PN", "InlineBinary": "AQI=" } }""", "InlineBinary for PN")]
    [InlineData("""{ "7FE00010": { "vr": "OB", "BulkDataURI": 1 } }""", "BulkDataURI not a string")]
    [InlineData("""{ "00101002": { "vr": "SQ", "BulkDataURI": "x" } }""", "BulkDataURI for SQ")]
    [InlineData("""{ "00101002": { "vr": "SQ", "InlineBinary": "AQI=" } }""", "InlineBinary for SQ")]
    [InlineData("""{ "00101002": { "vr": "SQ", "Value": [ "item" ] } }""", "string as item")]
    [InlineData("""{ "00101002": { "vr": "SQ", "Value": [ null ] } }""", "null as item")]
    [InlineData("""{ "00101002": { "vr": "SQ", "Value": [ { "00100020": { "vr": "LO", "Value": [ 1 ] } } ] } }""", "bad value inside an item")]
    public void Deserialize_InvalidInput_ThrowsDicomFormatException(string json, string because)
    {
        var ex = Assert.Throws<DicomFormatException>(() => DicomJsonReader.Deserialize(json));

        Assert.False(string.IsNullOrWhiteSpace(ex.Message), because);
    }

    [Fact]
    public void Deserialize_InvalidUtf8InAString_ThrowsDicomFormatException()
    {
        byte[] json = [.. "{ \"00100020\": { \"vr\": \"LO\", \"Value\": [ \""u8, 0xC3, 0x28, .. "\" ] } }"u8];

        Assert.Throws<DicomFormatException>(() => DicomJsonReader.Deserialize(json));
    }

    [Fact]
    public void Deserialize_EveryPrefixOfTheF4Example_ThrowsDicomFormatException()
    {
        byte[] json = Encoding.UTF8.GetBytes(DicomJsonWriter.Serialize(DicomJsonReader.Deserialize(F4Example)));

        for (int length = 0; length < json.Length; length++)
        {
            byte[] prefix = json[..length];
            Assert.Throws<DicomFormatException>(() => DicomJsonReader.Deserialize(prefix));
        }
    }

    [Fact]
    public void Deserialize_MutatedInput_SucceedsOrThrowsDicomFormatException()
    {
        byte[] original = Encoding.UTF8.GetBytes(DicomJsonWriter.Serialize(DicomJsonWriterTests.EveryVR()));
        var random = new Random(20240229);
        byte[] alphabet = "{}[]\":,0123456789.-+eEaZ\\ nulltrue\u00e9"u8.ToArray();

        for (int round = 0; round < 3000; round++)
        {
            byte[] mutated = (byte[])original.Clone();
            for (int n = random.Next(1, 4); n > 0; n--)
            {
                int at = random.Next(mutated.Length);
                mutated[at] = random.Next(4) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            try
            {
                DicomJsonReader.Deserialize(mutated);
            }
            catch (DicomFormatException)
            {
                // expected for most mutations
            }
        }
    }
}
