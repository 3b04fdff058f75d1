namespace Portico.Dicom.Generator;

/// <summary>Turns the rows read from pydicom into the four generated files of Portico.Dicom.</summary>
internal static class DictionaryEmitter
{
    public static string DicomTags(PydicomSource source)
    {
        // Every keyword once (first row wins), in tag order. Repeating groups (50xx, 60xx, 7Fxx) are
        // named by their first group (xx = 00). Repeating-element rows (0028,04x0 ...) are left out:
        // with x = 0 they would alias other attributes, e.g. (0028,0400) is Transform Label.
        var keywords = new HashSet<string>(StringComparer.Ordinal) { "DicomTags" };
        var members = source.Elements
            .Concat(source.Repeaters.Where(r => r.Tag.RepeatsGroupOnly))
            .Where(r => r.Keyword.Length > 0 && keywords.Add(r.Keyword))
            .OrderBy(r => r.Tag.Tag)
            .ThenBy(r => r.Keyword, StringComparer.Ordinal);

        var w = new SourceWriter(source, PydicomReader.DataDictionaryFile, "one DicomTag per data element keyword");
        w.Line("namespace Portico.Dicom.Dictionary;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Data element tags by keyword: PS3.6 Tables 6-1, 7-1 and 8-1 and the command elements of PS3.7");
        w.Line("/// Annex E. Members of repeating groups (PS3.5 §7.6: 50xx, 60xx, 7Fxx) are the first group, xx = 00.");
        w.Line("/// </summary>");
        w.Line("public static partial class DicomTags");
        w.Line("{");
        bool first = true;
        foreach (DataElementRow row in members)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            w.Line($"    /// <summary>{Describe(row)}</summary>");
            w.Line($"    public static DicomTag {row.Keyword} => new({SourceWriter.Hex(row.Tag.Tag)});");
        }

        w.Line("}");
        return w.ToString();
    }

    /// <summary>
    /// The PS3.6 rows as one raw string literal, parsed on first use by DicomDictionary.cs. The same
    /// rows as an array initializer cost the JIT close to a second in the type initializer, and the
    /// compiler several seconds; a string literal costs neither, and parses in milliseconds.
    /// </summary>
    public static string DicomDictionary(PydicomSource source)
    {
        IEnumerable<DataElementRow> rows = source.Elements.OrderBy(r => r.Tag.Tag)
            .Concat(source.Repeaters.OrderBy(r => r.Tag.Tag).ThenByDescending(r => r.Tag.Mask));

        var w = new SourceWriter(source, PydicomReader.DataDictionaryFile, "the DicomDictionary and RepeatersDictionary rows");
        w.Line("namespace Portico.Dicom.Dictionary;");
        w.Line();
        w.Line("public static partial class DicomDictionary");
        w.Line("{");
        w.Line("    /// <summary>");
        w.Line("    /// PS3.6 Tables 6-1, 7-1, 8-1 and the PS3.7 Annex E command elements in tag order, then the");
        w.Line("    /// repeating rows (50xx, 60xx, 002804x0...), one per line as <see cref=\"DictionaryRowReader\"/> reads them.");
        w.Line("    /// </summary>");
        w.Line("    private const string Rows = \"\"\"");
        foreach (DataElementRow row in rows)
        {
            w.Line(RowLine(row.Tag, row.VRs, row.VM, row.Retired, row.Keyword, row.Name));
        }

        w.Line("\"\"\";");
        w.Line("}");
        return w.ToString();
    }

    /// <summary>The private rows as one raw string literal, parsed on first use by PrivateDictionary.cs.</summary>
    public static string PrivateDictionary(PydicomSource source)
    {
        var w = new SourceWriter(
            source,
            PydicomReader.PrivateDictionaryFile,
            "private data elements by creator",
            "These rows are not part of PS3.6: pydicom ships GDCM's collection of vendors' private dictionaries.");
        w.Line("namespace Portico.Dicom.Dictionary;");
        w.Line();
        w.Line("internal static partial class PrivateDictionary");
        w.Line("{");
        w.Line("    /// <summary>");
        w.Line("    /// A \"[creator]\" line opens each private creator's block, followed by its elements in the");
        w.Line("    /// format of <see cref=\"DictionaryRowReader\"/>, the block byte written 'xx' (PS3.5 §7.8.1).");
        w.Line("    /// </summary>");
        w.Line("    private const string Rows = \"\"\"");
        foreach (IGrouping<string, PrivateElementRow> creator in source.PrivateElements
            .GroupBy(r => r.Creator, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            w.Line($"[{RequireRawText(creator.Key)}]");
            foreach (PrivateElementRow row in creator.OrderBy(r => r.Tag.Tag).ThenByDescending(r => r.Tag.Mask))
            {
                w.Line(RowLine(row.Tag, row.VRs, row.VM, row.Retired, "", row.Name));
            }
        }

        w.Line("\"\"\";");
        w.Line("}");
        return w.ToString();
    }

    public static string DicomUids(PydicomSource source)
    {
        var keywords = new HashSet<string>(StringComparer.Ordinal) { "DicomUids", "Table" };
        var w = new SourceWriter(source, PydicomReader.UidDictionaryFile, "the UID registry of PS3.6 Annex A");
        w.Line("namespace Portico.Dicom.Uids;");
        w.Line();
        w.Line("/// <summary>UIDs of PS3.6 Annex A by keyword.</summary>");
        w.Line("public static partial class DicomUids");
        w.Line("{");
        foreach (UidRow uid in source.Uids.Where(u => u.Keyword.Length > 0 && keywords.Add(u.Keyword)))
        {
            string retired = uid.Retired ? " Retired." : "";
            w.Line($"    /// <summary>{SourceWriter.XmlText(uid.Name)} ({SourceWriter.XmlText(uid.Type)}).{retired}</summary>");
            w.Line($"    public const string {uid.Keyword} = {SourceWriter.Literal(uid.Value)};");
            w.Line();
        }

        w.Line("    /// <summary>Every row of the registry, in the standard's order, with or without a keyword.</summary>");
        w.Line("    internal static readonly DicomUid[] Table =");
        w.Line("    [");
        foreach (UidRow uid in source.Uids)
        {
            w.Line($"        new({SourceWriter.Literal(uid.Value)}, {SourceWriter.Literal(uid.Name)}, {SourceWriter.Literal(uid.Type)}, "
                + $"{SourceWriter.Literal(uid.Keyword)}, {(uid.Retired ? "true" : "false")}),");
        }

        w.Line("    ];");
        w.Line("}");
        return w.ToString();
    }

    private static string Describe(DataElementRow row)
    {
        string vrs = row.VRs.Length == 0 ? "no VR" : string.Join(" or ", row.VRs);
        string retired = row.Retired ? " Retired." : "";
        return $"{SourceWriter.TagText(row.Tag)} {SourceWriter.XmlText(row.Name)}: {vrs}, VM {row.VM}.{retired}";
    }

    /// <summary>"pattern|VRs|VM|retired|keyword|name", as DictionaryRowReader in Portico.Dicom reads it.</summary>
    private static string RowLine(TagPattern tag, string[] vrs, string vm, bool retired, string keyword, string name) =>
        $"{tag}|{string.Join('/', vrs)}|{RequireRawText(vm)}|{(retired ? '1' : '0')}|{RequireRawText(keyword)}|{RequireRawText(name)}";

    /// <summary>Text that goes verbatim into the raw string literal must not break its line format.</summary>
    private static string RequireRawText(string value) =>
        value.Any(c => c is '|' or < ' ' or > '~') || value.Contains("\"\"\"", StringComparison.Ordinal) || value.Trim() != value
            ? throw new FormatException($"Private dictionary text '{value}' cannot be written verbatim.")
            : value;
}
