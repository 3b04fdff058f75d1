using System.Globalization;
using System.Text;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Interop.Tests.Dcmtk;

/// <summary>
/// Compares Portico's reading of a file with dcmdump's, element by element: structure (tags and depth),
/// VR, length and value. Text is compared decoded when dcmdump could convert it to UTF-8 (+U8).
/// </summary>
internal static class DatasetComparer
{
    private static readonly HashSet<string> TextVRs = ["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"];

    public static List<string> Compare(List<DumpRecord> dcmtk, List<PorticoRecords.Entry> ours, List<DumpRecord>? decoded)
    {
        var differences = new List<string>();
        int n = Math.Min(dcmtk.Count, ours.Count);
        for (int i = 0; i < n && differences.Count < 20; i++)
        {
            DumpRecord d = dcmtk[i];
            PorticoRecords.Entry o = ours[i];
            if (d.Tag != o.Record.Tag || d.Depth != o.Record.Depth)
            {
                differences.Add($"#{i}: dcmdump {d} but Portico {o.Record}");
                break; // structure diverged: later lines would all differ
            }

            if (o.Element is null)
            {
                continue;
            }

            string? vrProblem = CompareVR(d, o, out DicomElement element);
            if (vrProblem is not null)
            {
                differences.Add($"#{i}: {vrProblem}");
                continue;
            }

            // DCMTK pads an odd-length value it reads to even length (+ao), so it lists one byte more.
            bool paddedByDcmtk = o.Record.Length % 2 == 1 && d.Length == o.Record.Length + 1;
            if (d.Length != o.Record.Length && !paddedByDcmtk)
            {
                differences.Add($"#{i}: length: dcmdump {d} but Portico {o.Record}");
                continue;
            }

            // The +U8 listing has the same entries in the same order; its text is DCMTK's UTF-8 decoding.
            DumpRecord? utf8 = decoded is not null && i < decoded.Count && decoded[i].Tag == d.Tag && decoded[i].Depth == d.Depth ? decoded[i] : null;
            string? valueProblem = CompareValue(d, utf8, element, o.Owner);
            if (valueProblem is not null)
            {
                differences.Add($"#{i}: {d}: {valueProblem}");
            }
        }

        if (differences.Count == 0 && dcmtk.Count != ours.Count)
        {
            differences.Add($"dcmdump lists {dcmtk.Count} entries, Portico {ours.Count}; first extra: {(dcmtk.Count > ours.Count ? dcmtk[n].ToString() : ours[n].Record.ToString())}");
        }

        return differences;
    }

    private static string? CompareVR(DumpRecord d, PorticoRecords.Entry o, out DicomElement element)
    {
        element = o.Element!;
        string ourVR = o.Record.VR;
        if (d.VR == ourVR || d.VR == "pi" || (d.VR == "up" && ourVR == "UL"))
        {
            return null;
        }

        if (d.VR == "??")
        {
            element = new DicomElement(element.Tag, DicomVR.UN, element.Value);
            return null;
        }

        var tag = new DicomTag(d.Tag);
        bool ambiguous = DicomDictionary.Find(tag) is { VRs.Length: > 1 } entry && entry.VRs.Any(v => v.ToString() == d.VR) && entry.VRs.Any(v => v.ToString() == ourVR);
        bool privateImplicit = tag.IsPrivate; // DCMTK and Portico use different private dictionaries (DCMTK private.dic, GDCM via pydicom)
        if ((ambiguous || privateImplicit) && d.VR.Length == 2 && new DicomVR(d.VR[0], d.VR[1]).IsKnown && element.IsLoaded)
        {
            // Same bytes, read as DCMTK's choice among the VRs the dictionary allows (or its private dictionary's).
            element = new DicomElement(element.Tag, DicomVR.Parse(d.VR), element.Value);
            return null;
        }

        return $"VR: dcmdump {d} but Portico {o.Record}";
    }

    private static string? CompareValue(DumpRecord d, DumpRecord? utf8, DicomElement element, DicomDataset owner)
    {
        if (d.Value is "(not loaded)" || !element.IsLoaded)
        {
            return null;
        }

        if (d.Value == "(no value available)")
        {
            return element.Length == 0 || element.GetString().Length == 0 && element.VR.IsText ? null : "dcmdump has no value, Portico has one";
        }

        if (TextVRs.Contains(d.VR))
        {
            if (!(d.Value.StartsWith('[') && d.Value.EndsWith(']')))
            {
                return $"unexpected dcmdump text form {d.Value}";
            }

            string theirs = d.Value[1..^1];
            bool ascii = element.Value.Span.IndexOfAnyExceptInRange((byte)0x00, (byte)0x7F) < 0 && !element.Value.Span.Contains((byte)0x1B);
            if (!ascii)
            {
                if (utf8 is null || !(utf8.Value.StartsWith('[') && utf8.Value.EndsWith(']')))
                {
                    return null; // DCMTK's iconv backend cannot convert this character set; the character set tests cover it.
                }

                theirs = utf8.Value[1..^1];
            }

            string mine = element.GetString(owner.CharacterSet);
            return NormalizeText(theirs, d.VR) == NormalizeText(mine, d.VR) ? null : $"Portico [{mine}]";
        }

        if (d.VR is "AT")
        {
            string mine = string.Join('\\', element.GetTags().Select(t => t.ToString()));
            return string.Equals(mine, d.Value, StringComparison.OrdinalIgnoreCase) ? null : $"Portico {mine}";
        }

        if (d.VR is "OB" or "UN" or "??" or "pi" or "OW" or "OL" or "OV")
        {
            int width = d.VR switch { "OW" => 2, "OL" => 4, "OV" => 8, _ => 1 };
            return CompareHex(d.Value, element.Value.Span, width);
        }

        string[] theirValues = d.Value.Split('\\');
        string[] myValues = element.FormatBinary().ToArray();
        if (theirValues.Length != myValues.Length)
        {
            return $"{theirValues.Length} values in dcmdump, {myValues.Length} in Portico";
        }

        for (int i = 0; i < theirValues.Length; i++)
        {
            if (!NumbersEqual(theirValues[i], myValues[i], d.VR))
            {
                return $"value {i}: Portico {myValues[i]}";
            }
        }

        return null;
    }

    private static string? CompareHex(string theirs, ReadOnlySpan<byte> mine, int width)
    {
        string[] parts = theirs.Split('\\');
        var expected = new List<byte>(parts.Length * width);
        foreach (string part in parts)
        {
            if (!ulong.TryParse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong v))
            {
                return $"unexpected dcmdump hex {part}";
            }

            for (int b = 0; b < width; b++)
            {
                expected.Add((byte)(v >> (8 * b)));
            }
        }

        // DCMTK pads odd lengths with a zero byte and prints whole words.
        if (expected.Count > mine.Length && expected.Count - mine.Length <= Math.Max(1, width - 1) && mine.Length % 2 == 1)
        {
            expected.RemoveRange(mine.Length, expected.Count - mine.Length);
        }

        return expected.Count == mine.Length && mine.SequenceEqual(expected.ToArray()) ? null : $"bytes differ ({expected.Count} from dcmdump, {mine.Length} in Portico)";
    }

    private static bool NumbersEqual(string theirs, string mine, string vr)
    {
        if (theirs == mine)
        {
            return true;
        }

        if (vr is "FL" or "OF")
        {
            // Compare as 32-bit floats: the shortest round-trip text of a float (ours) and DCMTK's %g differ for denormals.
            return float.TryParse(theirs, NumberStyles.Float, CultureInfo.InvariantCulture, out float x)
                && float.TryParse(mine, NumberStyles.Float, CultureInfo.InvariantCulture, out float y)
                && (x == y || (float.IsNaN(x) && float.IsNaN(y)) || Math.Abs(x - y) <= 1e-6f * Math.Max(Math.Abs(x), Math.Abs(y)));
        }

        if (double.TryParse(theirs, NumberStyles.Float, CultureInfo.InvariantCulture, out double a) && double.TryParse(mine, NumberStyles.Float, CultureInfo.InvariantCulture, out double b))
        {
            if (double.IsNaN(a) && double.IsNaN(b))
            {
                return true;
            }

            double tolerance = vr is "FL" or "OF" ? 1e-5 : 1e-12;
            return a == b || Math.Abs(a - b) <= tolerance * Math.Max(Math.Abs(a), Math.Abs(b));
        }

        return false;
    }

    private static string NormalizeText(string value, string vr)
    {
        value = value.Replace("\r", string.Empty, StringComparison.Ordinal);
        if (vr is "LT" or "ST" or "UT" or "UR")
        {
            return value.TrimEnd(' ', '\0');
        }

        var sb = new StringBuilder(value.Length);
        string[] parts = value.Split('\\');
        for (int i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('\\');
            }

            sb.Append(parts[i].Trim(' ', '\0'));
        }

        return sb.ToString().TrimEnd('\\');
    }
}
