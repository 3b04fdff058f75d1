using System.Runtime.InteropServices;
using System.Text;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Xunit;

namespace Portico.Dicom.Tests.Json;

/// <summary>Inputs and comparisons shared by the DICOM JSON tests.</summary>
internal static class DicomJsonTestData
{
    /// <summary>
    /// The first data set of the DICOM JSON Model example, PS3.18 Annex F.4 (a study-level query
    /// result): UTF-8 character set, a PN with an ideographic group, a private block with a UN value
    /// as InlineBinary, a two-item sequence and IS values as JSON numbers.
    /// </summary>
    public const string F4Example = """
        [
          {
            "00080005": { "vr": "CS", "Value": [ "ISO_IR 192" ] },
            "00080020": { "vr": "DA", "Value": [ "20130409" ] },
            "00080030": { "vr": "TM", "Value": [ "131600.0000" ] },
            "00080050": { "vr": "SH", "Value": [ "11235813" ] },
            "00080056": { "vr": "CS", "Value": [ "ONLINE" ] },
            "00080061": { "vr": "CS", "Value": [ "CT", "PET" ] },
            "00080090": { "vr": "PN", "Value": [ { "Alphabetic": "^Bob^^Dr." } ] },
            "00081190": { "vr": "UR", "Value": [ "http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
            "00090010": { "vr": "LO", "Value": [ "Vendor A" ] },
            "00091002": { "vr": "UN", "InlineBinary": "z0x9c8v7" },
            "00100010": { "vr": "PN", "Value": [ { "Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東" } ] },
            "00100020": { "vr": "LO", "Value": [ "12345" ] },
            "00100021": { "vr": "LO", "Value": [ "Hospital A" ] },
            "00100030": { "vr": "DA", "Value": [ "19670701" ] },
            "00100040": { "vr": "CS", "Value": [ "M" ] },
            "00101002": {
              "vr": "SQ",
              "Value": [
                {
                  "00100020": { "vr": "LO", "Value": [ "54321" ] },
                  "00100021": { "vr": "LO", "Value": [ "Hospital B" ] }
                },
                {
                  "00100020": { "vr": "LO", "Value": [ "24680" ] },
                  "00100021": { "vr": "LO", "Value": [ "Hospital C" ] }
                }
              ]
            },
            "0020000D": { "vr": "UI", "Value": [ "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873" ] },
            "00201206": { "vr": "IS", "Value": [ 4 ] },
            "00201208": { "vr": "IS", "Value": [ 942 ] }
          }
        ]
        """;

    public static readonly DicomTag SpecificCharacterSet = new(0x0008, 0x0005);

    public static readonly DicomTag PatientName = new(0x0010, 0x0010);

    /// <summary>A private tag in block 10 of group 0009, for elements of any VR.</summary>
    public static DicomTag Private(int element) => new(0x0009, (ushort)(0x1000 | element));

    /// <summary>A text element encoded as UTF-8 and padded to even length, as the reader produces it.</summary>
    public static DicomElement TextElement(DicomTag tag, DicomVR vr, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if ((bytes.Length & 1) == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = vr.Info.Padding;
        }

        return new DicomElement(tag, vr, bytes);
    }

    public static DicomElement Binary<T>(DicomTag tag, DicomVR vr, params T[] values)
        where T : unmanaged =>
        new(tag, vr, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    /// <summary>The raw value as UTF-8 text without trailing padding.</summary>
    public static string Utf8(DicomDataset dataset, DicomTag tag)
    {
        Assert.True(dataset.TryGetElement(tag, out DicomElement? element), $"{tag} is missing");
        return Encoding.UTF8.GetString(element.Value.Span).TrimEnd(' ', '\0');
    }

    /// <summary>Same tags, VRs and value bytes, item by item.</summary>
    public static void AssertEquivalent(DicomDataset expected, DicomDataset actual, string path = "")
    {
        Assert.Equal(expected.Select(i => i.Tag).ToArray(), actual.Select(i => i.Tag).ToArray());
        foreach (DicomItem e in expected)
        {
            DicomItem a = actual.Find(e.Tag)!;
            string where = $"{path}{e.Tag}";
            Assert.True(e.VR == a.VR, $"{where}: VR {e.VR} became {a.VR}");
            switch (e)
            {
                case DicomElement ee:
                    DicomElement ae = Assert.IsType<DicomElement>(a);
                    Assert.True(ee.Value.Span.SequenceEqual(ae.Value.Span), $"{where}: value differs");
                    break;
                case DicomSequence es:
                    DicomSequence sa = Assert.IsType<DicomSequence>(a);
                    Assert.Equal(es.Items.Count, sa.Items.Count);
                    for (int i = 0; i < es.Items.Count; i++)
                    {
                        AssertEquivalent(es.Items[i], sa.Items[i], $"{where} item {i + 1} > ");
                    }

                    break;
            }
        }
    }
}
