using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Json;
using Portico.Dicom.Values;
using Xunit;
using static Portico.Dicom.Tests.Json.DicomJsonTestData;

namespace Portico.Dicom.Tests.Json;

public sealed class DicomJsonWriterTests
{
    [Fact]
    public void Serialize_F4ExampleReadBack_WritesEquivalentJson()
    {
        DicomDataset dataset = DicomJsonReader.Deserialize(F4Example);

        string json = DicomJsonWriter.Serialize(dataset);

        JsonNode expected = JsonNode.Parse(F4Example)!.AsArray()[0]!;
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(json)), json);
    }

    [Fact]
    public void Serialize_ThenDeserialize_EveryVRKindRoundTrips()
    {
        DicomDataset original = EveryVR();

        string json = DicomJsonWriter.Serialize(original);
        DicomDataset back = DicomJsonReader.Deserialize(json);

        AssertEquivalent(original, back);
    }

    [Fact]
    public void Serialize_EveryVRKind_UsesTheJsonTypesOfTableF23()
    {
        using JsonDocument doc = JsonDocument.Parse(DicomJsonWriter.Serialize(EveryVR()));
        JsonElement root = doc.RootElement;

        Assert.Equal("STORESCP", Value(root, 0x01)[0].GetString());
        Assert.Equal(["00100010", "7FE00010"], Value(root, 0x03).EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["ORIGINAL", "PRIMARY"], Value(root, 0x04).EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(JsonValueKind.Number, Value(root, 0x06)[0].ValueKind);
        Assert.Equal("1.50", Value(root, 0x06)[2].GetRawText()); // DS kept digit for digit
        Assert.Equal(3.141592653589793, Value(root, 0x08)[0].GetDouble());
        Assert.Equal(0.1f, Value(root, 0x09)[0].GetSingle());
        Assert.Equal(-12, Value(root, 0x0A)[0].GetInt32());
        Assert.Equal([1, 2, 3, 4], Convert.FromBase64String(Member(root, 0x0D, "InlineBinary").GetString()!));
        Assert.Equal("Adams^John Robert Quincy^^Rev.^B.A. M.Div.", Value(root, 0x13)[0].GetProperty("Alphabetic").GetString());
        Assert.Equal(-2_000_000_000, Value(root, 0x15)[0].GetInt32());
        Assert.Equal(JsonValueKind.String, Value(root, 0x18)[0].ValueKind); // SV long.MinValue: beyond 2^53
        Assert.Equal(JsonValueKind.Number, Value(root, 0x18)[1].ValueKind);
        Assert.Equal("1.2.840.10008.1.2.1", Value(root, 0x1B)[0].GetString()); // UI padding removed
        Assert.Equal(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), Value(root, 0x21)[0].GetString());
        JsonElement items = Value(root, 0x40);
        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal(JsonValueKind.Object, items[1].ValueKind);
        Assert.Empty(items[1].EnumerateObject()); // an empty item is {} (F.2.5)
    }

    [Fact]
    public void Serialize_Keys_AreEightUppercaseHexDigitsInAscendingOrder()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(new DicomTag(0x7FE1, 0x00AB), DicomVR.LO, "X");
        dataset.AddOrUpdate(new DicomTag(0x0008, 0x0060), DicomVR.CS, "MR");
        dataset.AddOrUpdate(new DicomTag(0x0020, 0x000D), DicomVR.UI, "1.2.3");

        using JsonDocument doc = JsonDocument.Parse(DicomJsonWriter.Serialize(dataset));

        Assert.Equal(["00080060", "0020000D", "7FE100AB"], doc.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Serialize_GroupLength_IsLeftOut()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(new DicomTag(0x0010, 0x0000), DicomVR.UL, 18u);
        dataset.AddOrUpdate(PatientName, DicomVR.PN, "Doe^John");

        using JsonDocument doc = JsonDocument.Parse(DicomJsonWriter.Serialize(dataset));

        Assert.Equal(["00100010"], doc.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Serialize_EmptyValues_WritesVROnly()
    {
        var dataset = new DicomDataset();
        foreach ((int element, DicomVR vr) in new[] { (0x01, DicomVR.PN), (0x02, DicomVR.LO), (0x03, DicomVR.US), (0x04, DicomVR.FD), (0x05, DicomVR.OB), (0x06, DicomVR.AT), (0x07, DicomVR.DS), (0x08, DicomVR.UI) })
        {
            dataset.Add(new DicomElement(Private(element), vr, ReadOnlyMemory<byte>.Empty));
        }

        dataset.Add(new DicomElement(Private(0x09), DicomVR.LO, "    "u8.ToArray())); // padding only
        dataset.Add(new DicomSequence(Private(0x0A), DicomVR.SQ));

        string json = DicomJsonWriter.Serialize(dataset);
        using JsonDocument doc = JsonDocument.Parse(json);

        foreach (JsonProperty attribute in doc.RootElement.EnumerateObject())
        {
            Assert.Equal(["vr"], attribute.Value.EnumerateObject().Select(p => p.Name));
        }

        DicomDataset back = DicomJsonReader.Deserialize(json);
        Assert.Equal(10, back.Count);
        Assert.All(back.OfType<DicomElement>(), e => Assert.True(e.Value.IsEmpty));
        Assert.Empty(back.GetSequence(Private(0x0A))!.Items);
    }

    [Fact]
    public void Serialize_EmptyValueAmongSeveral_WritesNull()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(Private(0x01), DicomVR.CS, "A\\\\B");
        dataset.AddOrUpdate(Private(0x02), DicomVR.DS, "1.5\\\\2");
        dataset.AddOrUpdate(Private(0x03), DicomVR.PN, "Doe^John\\\\Roe^Jane");

        string json = DicomJsonWriter.Serialize(dataset);
        using JsonDocument doc = JsonDocument.Parse(json);

        Assert.Equal(JsonValueKind.Null, Value(doc.RootElement, 0x01)[1].ValueKind);
        Assert.Equal(JsonValueKind.Null, Value(doc.RootElement, 0x02)[1].ValueKind);
        Assert.Equal(JsonValueKind.Null, Value(doc.RootElement, 0x03)[1].ValueKind);
        AssertEquivalent(dataset, DicomJsonReader.Deserialize(json));
    }

    [Fact]
    public void Serialize_PersonNameWithThreeGroups_WritesEachGroupAndRoundTrips()
    {
        var dataset = new DicomDataset();
        dataset.Add(TextElement(SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"));
        dataset.Add(TextElement(PatientName, DicomVR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう"));
        dataset.Add(TextElement(Private(0x01), DicomVR.PN, "=山田\\Smith^Al"));

        string json = DicomJsonWriter.Serialize(dataset);
        using JsonDocument doc = JsonDocument.Parse(json);

        JsonElement name = doc.RootElement.GetProperty("00100010").GetProperty("Value")[0];
        Assert.Equal("Yamada^Tarou", name.GetProperty("Alphabetic").GetString());
        Assert.Equal("山田^太郎", name.GetProperty("Ideographic").GetString());
        Assert.Equal("やまだ^たろう", name.GetProperty("Phonetic").GetString());
        JsonElement ideographicOnly = Value(doc.RootElement, 0x01)[0];
        Assert.Equal(["Ideographic"], ideographicOnly.EnumerateObject().Select(p => p.Name));
        AssertEquivalent(dataset, DicomJsonReader.Deserialize(json));
    }

    [Fact]
    public void Serialize_AttributeTags_WritesHexStringsAndRoundTrips()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate<ushort>(new DicomTag(0x0028, 0x0009), DicomVR.AT, 0x0018, 0x1063, 0x0018, 0x1065);

        string json = DicomJsonWriter.Serialize(dataset);

        Assert.Contains("\"Value\":[\"00181063\",\"00181065\"]", json, StringComparison.Ordinal);
        AssertEquivalent(dataset, DicomJsonReader.Deserialize(json));
    }

    [Fact]
    public void Serialize_Utf8Text_WritesUnicodeAndRoundTrips()
    {
        var dataset = new DicomDataset();
        dataset.Add(TextElement(SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"));
        dataset.Add(TextElement(PatientName, DicomVR.PN, "Müller^Jürgen"));
        dataset.Add(TextElement(Private(0x01), DicomVR.LO, "Ελληνικά\\Русский"));
        dataset.Add(TextElement(Private(0x02), DicomVR.UT, "  leading spaces kept, emoji 🩻 too"));
        var item = new DicomDataset();
        item.Add(TextElement(Private(0x03), DicomVR.SH, "中文"));
        dataset.Add(new DicomSequence(Private(0x04), item));

        string json = DicomJsonWriter.Serialize(dataset);
        using JsonDocument doc = JsonDocument.Parse(json);

        Assert.Contains("Müller", json, StringComparison.Ordinal); // not \u-escaped
        Assert.Equal("Müller^Jürgen", doc.RootElement.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
        Assert.Equal(["Ελληνικά", "Русский"], Value(doc.RootElement, 0x01).EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("  leading spaces kept, emoji 🩻 too", Value(doc.RootElement, 0x02)[0].GetString());
        Assert.Equal("中文", Value(doc.RootElement, 0x04)[0].GetProperty("00091003").GetProperty("Value")[0].GetString());
        AssertEquivalent(dataset, DicomJsonReader.Deserialize(json));
    }

    [Fact]
    public void Serialize_Latin1DataSet_TranscodesToUtf8()
    {
        var dataset = new DicomDataset();
        dataset.Add(new DicomElement(SpecificCharacterSet, DicomVR.CS, "ISO_IR 100"u8.ToArray()));
        dataset.Add(new DicomElement(PatientName, DicomVR.PN, Encoding.Latin1.GetBytes("Müller^Zoë")));

        string json = DicomJsonWriter.Serialize(dataset);
        DicomDataset back = DicomJsonReader.Deserialize(json);

        Assert.Contains("\"Alphabetic\":\"Müller^Zoë\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Value\":[\"ISO_IR 100\"]", json, StringComparison.Ordinal); // kept as metadata (F.2.2 note 3)
        Assert.Equal("ISO_IR 192", Utf8(back, SpecificCharacterSet)); // the bytes read back are UTF-8
        Assert.Equal("Müller^Zoë", back.GetString(PatientName));
    }

    [Theory]
    [InlineData("1.50", "1.50")]
    [InlineData("+5", "5")]
    [InlineData("007", "7")]
    [InlineData(".5", "0.5")]
    [InlineData("-1.25E-3", "-1.25E-3")]
    [InlineData("abc", "\"abc\"")]
    public void Serialize_DecimalString_WritesNumberWhenItParses(string stored, string expectedJson)
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(Private(0x01), DicomVR.DS, stored);

        using JsonDocument doc = JsonDocument.Parse(DicomJsonWriter.Serialize(dataset));

        Assert.Equal(expectedJson, Value(doc.RootElement, 0x01)[0].GetRawText());
    }

    [Fact]
    public void Serialize_IntegerStrings_WritesNumbersAndNullForEmpty()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(Private(0x01), DicomVR.IS, " 4\\\\-0012");

        using JsonDocument doc = JsonDocument.Parse(DicomJsonWriter.Serialize(dataset));

        Assert.Equal("[4,null,-12]", Value(doc.RootElement, 0x01).GetRawText());
    }

    [Fact]
    public void Serialize_VeryLongs_WritesStringsBeyondDoublePrecision()
    {
        const long Safe = (1L << 53) - 1;
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(Private(0x01), DicomVR.SV, Safe, -Safe, Safe + 1, long.MinValue);
        dataset.AddOrUpdate(Private(0x02), DicomVR.UV, (ulong)Safe, (ulong)Safe + 1);

        string json = DicomJsonWriter.Serialize(dataset);

        Assert.Contains("[9007199254740991,-9007199254740991,\"9007199254740992\",\"-9223372036854775808\"]", json, StringComparison.Ordinal);
        Assert.Contains("[9007199254740991,\"9007199254740992\"]", json, StringComparison.Ordinal);
        AssertEquivalent(dataset, DicomJsonReader.Deserialize(json));
    }

    [Fact]
    public void Serialize_NonFiniteFloats_WritesNamedStringsAndRoundTrips()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(Private(0x01), DicomVR.FL, float.NaN, float.PositiveInfinity, 1.5f);
        dataset.AddOrUpdate(Private(0x02), DicomVR.FD, double.NegativeInfinity);

        string json = DicomJsonWriter.Serialize(dataset);
        DicomDataset back = DicomJsonReader.Deserialize(json);

        Assert.Contains("[\"NaN\",\"Infinity\",1.5]", json, StringComparison.Ordinal);
        float[] floats = ((DicomElement)back.Find(Private(0x01))!).GetValues<float>();
        Assert.True(float.IsNaN(floats[0]));
        Assert.Equal([float.PositiveInfinity, 1.5f], floats[1..]);
        Assert.Equal([double.NegativeInfinity], ((DicomElement)back.Find(Private(0x02))!).GetValues<double>());
    }

    [Fact]
    public void Serialize_BulkDataUriGiven_WritesBulkDataUriInsteadOfInlineBinary()
    {
        var dataset = new DicomDataset();
        dataset.Add(new DicomElement(new DicomTag(0x7FE0, 0x0010), DicomVR.OW, new byte[64]));
        dataset.AddOrUpdate(PatientName, DicomVR.PN, "Doe^John");
        var asked = new List<DicomTag>();
        var options = new DicomJsonOptions
        {
            BulkDataUri = e =>
            {
                asked.Add(e.Tag);
                return e.Length > 32 ? "https://pacs.example/studies/1/bulk/7FE00010" : null;
            },
        };

        using JsonDocument doc = JsonDocument.Parse(DicomJsonWriter.Serialize(dataset, options: options));

        JsonElement pixelData = doc.RootElement.GetProperty("7FE00010");
        Assert.Equal(["vr", "BulkDataURI"], pixelData.EnumerateObject().Select(p => p.Name));
        Assert.Equal("https://pacs.example/studies/1/bulk/7FE00010", pixelData.GetProperty("BulkDataURI").GetString());
        Assert.Equal([new DicomTag(0x7FE0, 0x0010)], asked); // PN may not carry a BulkDataURI (F.2.2)
    }

    [Fact]
    public void Serialize_ValueNotLoaded_WritesUriOrVROnlyOrNothing()
    {
        var dataset = new DicomDataset();
        dataset.Add(new DicomElement(new DicomTag(0x7FE0, 0x0010), DicomVR.OB, new DicomValueRange(1024, 1 << 20, false)));

        string vrOnly = DicomJsonWriter.Serialize(dataset);
        string left = DicomJsonWriter.Serialize(dataset, options: new DicomJsonOptions { IncludeNotLoaded = false });
        string uri = DicomJsonWriter.Serialize(dataset, options: new DicomJsonOptions { BulkDataUri = _ => "bulk/1" });

        Assert.Equal("{\"7FE00010\":{\"vr\":\"OB\"}}", vrOnly);
        Assert.Equal("{}", left);
        Assert.Equal("{\"7FE00010\":{\"vr\":\"OB\",\"BulkDataURI\":\"bulk/1\"}}", uri);
    }

    [Fact]
    public void Serialize_EncapsulatedFragments_NeverWritesInlineBinary()
    {
        var dataset = new DicomDataset();
        var fragments = new DicomFragments(new DicomTag(0x7FE0, 0x0010), DicomVR.OB);
        fragments.Fragments.Add(new DicomFragment(ReadOnlyMemory<byte>.Empty, null));
        fragments.Fragments.Add(new DicomFragment(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 }, null));
        dataset.Add(fragments);

        string vrOnly = DicomJsonWriter.Serialize(dataset);
        string left = DicomJsonWriter.Serialize(dataset, options: new DicomJsonOptions { IncludeNotLoaded = false });
        string uri = DicomJsonWriter.Serialize(dataset, options: new DicomJsonOptions { FragmentsBulkDataUri = f => $"frames/{f.Fragments.Count - 1}" });

        Assert.Equal("{\"7FE00010\":{\"vr\":\"OB\"}}", vrOnly);
        Assert.Equal("{}", left);
        Assert.Equal("{\"7FE00010\":{\"vr\":\"OB\",\"BulkDataURI\":\"frames/1\"}}", uri);
    }

    [Fact]
    public void Serialize_UnknownVR_WritesUNInlineBinary()
    {
        var dataset = new DicomDataset();
        dataset.Add(new DicomElement(Private(0x01), new DicomVR('Z', 'Z'), new byte[] { 1, 2 }));

        Assert.Equal("{\"00091001\":{\"vr\":\"UN\",\"InlineBinary\":\"AQI=\"}}", DicomJsonWriter.Serialize(dataset));
    }

    [Fact]
    public void Serialize_SequenceDeeperThanMaxDepth_Throws()
    {
        DicomDataset dataset = Nested(depth: 3);

        Assert.Throws<InvalidOperationException>(() => DicomJsonWriter.Serialize(dataset, options: new DicomJsonOptions { MaxDepth = 2 }));
        Assert.NotNull(DicomJsonWriter.Serialize(dataset, options: new DicomJsonOptions { MaxDepth = 3 }));
    }

    [Fact]
    public void Serialize_SequenceContainingItself_ThrowsInsteadOfOverflowingTheStack()
    {
        var item = new DicomDataset();
        var sequence = new DicomSequence(Private(0x01), item);
        item.Add(sequence);
        var dataset = new DicomDataset();
        dataset.Add(sequence);

        Assert.Throws<InvalidOperationException>(() => DicomJsonWriter.Serialize(dataset));
    }

    [Fact]
    public void Write_TwoDataSetsInAnArray_ReadBackAsMultipleResults()
    {
        var first = new DicomDataset();
        first.AddOrUpdate(new DicomTag(0x0020, 0x000D), DicomVR.UI, "1.2.3");
        var second = new DicomDataset();
        second.AddOrUpdate(new DicomTag(0x0020, 0x000D), DicomVR.UI, "1.2.4");
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            DicomJsonWriter.Write(writer, first);
            DicomJsonWriter.Write(writer, second);
            writer.WriteEndArray();
        }

        IReadOnlyList<DicomDataset> results = DicomJsonReader.DeserializeMany(buffer.WrittenSpan);

        Assert.Equal(2, results.Count);
        AssertEquivalent(first, results[0]);
        AssertEquivalent(second, results[1]);
    }

    [Fact]
    public void Serialize_Indented_ParsesToTheSameModel()
    {
        DicomDataset dataset = EveryVR();

        JsonNode compact = JsonNode.Parse(DicomJsonWriter.Serialize(dataset))!;
        string indented = DicomJsonWriter.Serialize(dataset, indented: true);

        Assert.Contains('\n', indented);
        Assert.True(JsonNode.DeepEquals(compact, JsonNode.Parse(indented)));
    }

    /// <summary>One element of every VR (private group 0009, block 10), plus nested sequences and an empty item.</summary>
    internal static DicomDataset EveryVR()
    {
        var d = new DicomDataset();
        d.AddOrUpdate(new DicomTag(0x0009, 0x0010), DicomVR.LO, "PORTICO TEST");
        d.AddOrUpdate(Private(0x01), DicomVR.AE, "STORESCP");
        d.AddOrUpdate(Private(0x02), DicomVR.AS, "042Y");
        d.AddOrUpdate<ushort>(Private(0x03), DicomVR.AT, 0x0010, 0x0010, 0x7FE0, 0x0010);
        d.AddOrUpdate(Private(0x04), DicomVR.CS, "ORIGINAL\\PRIMARY");
        d.AddOrUpdate(Private(0x05), DicomVR.DA, "20240229");
        d.AddOrUpdate(Private(0x06), DicomVR.DS, "0.5\\-1.25E-3\\1.50");
        d.AddOrUpdate(Private(0x07), DicomVR.DT, "20240229123000.123456+0100");
        d.AddOrUpdate(Private(0x08), DicomVR.FD, Math.PI, double.MaxValue, double.Epsilon);
        d.AddOrUpdate(Private(0x09), DicomVR.FL, 0.1f, float.MaxValue, -float.Epsilon);
        d.AddOrUpdate(Private(0x0A), DicomVR.IS, "-12\\42");
        d.AddOrUpdate(Private(0x0B), DicomVR.LO, "Hospital A\\Hospital B");
        d.AddOrUpdate(Private(0x0C), DicomVR.LT, " Line one\r\nLine two\\with a backslash");
        d.Add(new DicomElement(Private(0x0D), DicomVR.OB, new byte[] { 1, 2, 3, 4 }));
        d.AddOrUpdate(Private(0x0E), DicomVR.OD, 1.0, -2.5);
        d.AddOrUpdate(Private(0x0F), DicomVR.OF, 1.0f, -2.5f);
        d.AddOrUpdate(Private(0x10), DicomVR.OL, 1u, uint.MaxValue);
        d.AddOrUpdate(Private(0x11), DicomVR.OV, 1ul, ulong.MaxValue);
        d.AddOrUpdate<ushort>(Private(0x12), DicomVR.OW, 0x0102, 0xFFFF);
        d.AddOrUpdate(Private(0x13), DicomVR.PN, "Adams^John Robert Quincy^^Rev.^B.A. M.Div.");
        d.AddOrUpdate(Private(0x14), DicomVR.SH, "SHORT");
        d.AddOrUpdate(Private(0x15), DicomVR.SL, -2_000_000_000, int.MaxValue);
        d.AddOrUpdate<short>(Private(0x16), DicomVR.SS, -1, short.MinValue);
        d.AddOrUpdate(Private(0x17), DicomVR.ST, "Short text");
        d.AddOrUpdate(Private(0x18), DicomVR.SV, long.MinValue, 42L);
        d.AddOrUpdate(Private(0x19), DicomVR.TM, "123000.5");
        d.AddOrUpdate(Private(0x1A), DicomVR.UC, "Unlimited\\Characters");
        d.AddOrUpdate(Private(0x1B), DicomVR.UI, "1.2.840.10008.1.2.1");
        d.AddOrUpdate(Private(0x1C), DicomVR.UL, 0u, uint.MaxValue);
        d.Add(new DicomElement(Private(0x1D), DicomVR.UN, new byte[] { 0xCA, 0xFE }));
        d.AddOrUpdate(Private(0x1E), DicomVR.UR, "https://example.org/wado?studyUID=1.2.3");
        d.AddOrUpdate<ushort>(Private(0x1F), DicomVR.US, 0, 512, ushort.MaxValue);
        d.AddOrUpdate(Private(0x20), DicomVR.UT, "Unlimited text");
        d.AddOrUpdate(Private(0x21), DicomVR.UV, ulong.MaxValue, 7ul);

        var inner = new DicomDataset();
        inner.AddOrUpdate<ushort>(Private(0x42), DicomVR.US, 1);
        var first = new DicomDataset();
        first.AddOrUpdate(Private(0x41), DicomVR.LO, "first item");
        first.Add(new DicomSequence(Private(0x43), inner));
        d.Add(new DicomSequence(Private(0x40), first, new DicomDataset()));
        return d;
    }

    internal static DicomDataset Nested(int depth)
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(Private(0x01), DicomVR.LO, "leaf");
        for (int i = 0; i < depth; i++)
        {
            dataset = new DicomDataset { new DicomSequence(Private(0x02), dataset) };
        }

        return dataset;
    }

    private static JsonElement Value(JsonElement root, int element) => Member(root, element, "Value");

    private static JsonElement Member(JsonElement root, int element, string member) =>
        root.GetProperty($"0009{0x1000 | element:X4}").GetProperty(member);
}
