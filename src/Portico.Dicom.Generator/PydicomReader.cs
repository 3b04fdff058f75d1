namespace Portico.Dicom.Generator;

/// <summary>
/// Reads pydicom's generated modules (<c>_dicom_dict.py</c>, <c>_uid_dict.py</c>,
/// <c>_private_dict.py</c> and <c>_version.py</c>) line by line. They are machine-written dict
/// literals, one row per line, so a strict line grammar is enough and nothing is executed.
/// </summary>
internal static class PydicomReader
{
    public const string DataDictionaryFile = "_dicom_dict.py";
    public const string UidDictionaryFile = "_uid_dict.py";
    public const string PrivateDictionaryFile = "_private_dict.py";
    public const string VersionFile = "_version.py";

    // PS3.5 Table 6.2-1.
    private static readonly HashSet<string> KnownVRs =
    [
        "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV",
        "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
    ];

    public static PydicomSource Read(string pydicomDirectory)
    {
        (string version, string edition) = ReadVersion(Path.Combine(pydicomDirectory, VersionFile));
        string dataPath = Path.Combine(pydicomDirectory, DataDictionaryFile);
        string[] dataLines = File.ReadAllLines(dataPath);
        return new PydicomSource(
            version,
            edition,
            ReadElements(dataPath, dataLines),
            ReadRepeaters(dataPath, dataLines),
            ReadUids(Path.Combine(pydicomDirectory, UidDictionaryFile)),
            ReadPrivateElements(Path.Combine(pydicomDirectory, PrivateDictionaryFile)));
    }

    private static (string Version, string Edition) ReadVersion(string path)
    {
        string? version = null;
        string? edition = null;
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            // __version__: str = '2.3.1'   and   __dicom_version__: str = '2022a'
            string line = lines[i];
            bool isVersion = line.StartsWith("__version__", StringComparison.Ordinal);
            bool isEdition = line.StartsWith("__dicom_version__", StringComparison.Ordinal);
            if (!isVersion && !isEdition)
            {
                continue;
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw new FormatException($"{new SourceLocation(path, i + 1)}: expected an assignment.");
            }

            var reader = new PythonLineReader(line.AsSpan(equals + 1), new SourceLocation(path, i + 1));
            string value = reader.ReadString();
            reader.ExpectEnd();
            if (isVersion)
            {
                version = value;
            }
            else
            {
                edition = value;
            }
        }

        return (version ?? throw new FormatException($"{path}: no __version__."),
            edition ?? throw new FormatException($"{path}: no __dicom_version__."));
    }

    // 0x00100010: ('PN', '1', "Patient's Name", '', 'PatientName'),  # noqa
    private static List<DataElementRow> ReadElements(string path, string[] lines)
    {
        var rows = new List<DataElementRow>();
        var seen = new HashSet<uint>();
        foreach (SourceLocation location in DictionaryBody(path, lines, "DicomDictionary"))
        {
            var reader = new PythonLineReader(lines[location.Line - 1], location);
            uint tag = reader.ReadHexInteger();
            reader.Expect(':');
            string[] fields = ReadTuple(ref reader, 5);
            if (!seen.Add(tag))
            {
                throw new FormatException($"{location}: duplicate tag {tag:X8}.");
            }

            rows.Add(ToElementRow(TagPattern.Exact(tag), fields, location));
        }

        return rows;
    }

    // '60xx3000': ('OB or OW', '1', "Overlay Data", '', 'OverlayData'),  # noqa
    private static List<DataElementRow> ReadRepeaters(string path, string[] lines)
    {
        var rows = new List<DataElementRow>();
        var seen = new HashSet<TagPattern>();
        foreach (SourceLocation location in DictionaryBody(path, lines, "RepeatersDictionary"))
        {
            var reader = new PythonLineReader(lines[location.Line - 1], location);
            TagPattern pattern = ReadPattern(ref reader, location);
            reader.Expect(':');
            string[] fields = ReadTuple(ref reader, 5);
            if (pattern.IsExact || !seen.Add(pattern))
            {
                throw new FormatException($"{location}: '{pattern}' is not a new repeating pattern.");
            }

            rows.Add(ToElementRow(pattern, fields, location));
        }

        return rows;
    }

    private static DataElementRow ToElementRow(TagPattern tag, string[] f, SourceLocation location) =>
        new(tag, ParseVRs(f[0], location), RequireVM(f[1], location), f[2], ParseRetired(f[3], location), RequireKeyword(f[4], location));

    // '1.2.840.10008.1.2.1': ('Explicit VR Little Endian', 'Transfer Syntax', '', '', 'ExplicitVRLittleEndian'),  # noqa
    private static List<UidRow> ReadUids(string path)
    {
        string[] lines = File.ReadAllLines(path);
        var rows = new List<UidRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (SourceLocation location in DictionaryBody(path, lines, "UID_dictionary"))
        {
            var reader = new PythonLineReader(lines[location.Line - 1], location);
            string value = reader.ReadString();
            reader.Expect(':');
            string[] f = ReadTuple(ref reader, 5);
            if (value.Length == 0 || !seen.Add(value))
            {
                throw new FormatException($"{location}: empty or duplicate UID '{value}'.");
            }

            // f[2] is the "Info" column (e.g. "Default Transfer Syntax for DICOM"); not carried.
            rows.Add(new UidRow(value, f[0], f[1], ParseRetired(f[3], location), RequireKeyword(f[4], location)));
        }

        return rows;
    }

    // private_dictionaries = {
    //     'SIEMENS CSA HEADER': {
    //         '0029xx10': ('OB', '1', 'CSA Image Header Info', ''),  # noqa
    //     },
    private static List<PrivateElementRow> ReadPrivateElements(string path)
    {
        string[] lines = File.ReadAllLines(path);
        var rows = new List<PrivateElementRow>();
        var creators = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<TagPattern>();
        string? creator = null;
        foreach (SourceLocation location in DictionaryBody(path, lines, "private_dictionaries"))
        {
            string line = lines[location.Line - 1];
            string trimmed = line.Trim();
            if (trimmed is "}," or "}")
            {
                creator = creator is null
                    ? throw new FormatException($"{location}: '}}' without an open private creator.")
                    : null;
                continue;
            }

            var reader = new PythonLineReader(line, location);
            string key = reader.ReadString();
            reader.Expect(':');
            if (reader.TryConsume('{'))
            {
                reader.ExpectEnd();
                if (creator is not null || key.Length == 0 || !creators.Add(key))
                {
                    throw new FormatException($"{location}: nested, empty or duplicate private creator '{key}'.");
                }

                creator = key;
                seen.Clear();
                continue;
            }

            if (creator is null)
            {
                throw new FormatException($"{location}: private element outside a creator block.");
            }

            if (!TagPattern.TryParse(key, out TagPattern pattern))
            {
                throw new FormatException($"{location}: '{key}' is not a tag pattern.");
            }

            string[] f = ReadTuple(ref reader, 4);
            if (!seen.Add(pattern))
            {
                throw new FormatException($"{location}: duplicate element '{pattern}' for creator '{creator}'.");
            }

            rows.Add(new PrivateElementRow(creator, pattern, ParseVRs(f[0], location), RequireVM(f[1], location), f[2], ParseRetired(f[3], location)));
        }

        if (creator is not null)
        {
            throw new FormatException($"{path}: creator block '{creator}' is not closed.");
        }

        return rows;
    }

    /// <summary>
    /// The line numbers between "<paramref name="name"/>... = {" and the "}" that closes it at
    /// column 0, skipping blank and comment lines.
    /// </summary>
    private static IEnumerable<SourceLocation> DictionaryBody(string path, string[] lines, string name)
    {
        int start = Array.FindIndex(lines, line =>
            line.StartsWith(name, StringComparison.Ordinal)
            && line.Length > name.Length
            && line[name.Length] is ':' or ' ' or '='
            && line.Contains('=', StringComparison.Ordinal)
            && line.TrimEnd().EndsWith('{'));
        if (start < 0)
        {
            throw new FormatException($"{path}: no '{name} = {{' line.");
        }

        for (int i = start + 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith('}'))
            {
                if (line.TrimEnd() != "}")
                {
                    throw new FormatException($"{new SourceLocation(path, i + 1)}: unexpected text after '}}'.");
                }

                yield break;
            }

            string trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            yield return new SourceLocation(path, i + 1);
        }

        throw new FormatException($"{path}: '{name}' is not closed.");
    }

    private static TagPattern ReadPattern(ref PythonLineReader reader, SourceLocation location)
    {
        string text = reader.ReadString();
        return TagPattern.TryParse(text, out TagPattern pattern)
            ? pattern
            : throw new FormatException($"{location}: '{text}' is not a tag pattern.");
    }

    /// <summary>Reads "(s1, s2, ... sN)" with an optional trailing comma inside and after, then the end of the line.</summary>
    private static string[] ReadTuple(ref PythonLineReader reader, int arity)
    {
        reader.Expect('(');
        var fields = new string[arity];
        for (int i = 0; i < arity; i++)
        {
            if (i > 0)
            {
                reader.Expect(',');
            }

            fields[i] = reader.ReadString();
        }

        reader.TryConsume(',');
        reader.Expect(')');
        reader.TryConsume(',');
        reader.ExpectEnd();
        return fields;
    }

    /// <summary>"PN" → [PN]; "US or SS or OW" → [US, SS, OW]; GDCM's "OB_OW" → [OB, OW]; "NONE" or "" → [].</summary>
    private static string[] ParseVRs(string text, SourceLocation location)
    {
        if (text is "" or "NONE")
        {
            return [];
        }

        string[] vrs = text.Split([" or ", "_"], StringSplitOptions.None);
        foreach (string vr in vrs)
        {
            if (!KnownVRs.Contains(vr))
            {
                throw new FormatException($"{location}: unknown VR '{vr}' in '{text}'.");
            }
        }

        if (vrs.Distinct(StringComparer.Ordinal).Count() != vrs.Length)
        {
            throw new FormatException($"{location}: repeated VR in '{text}'.");
        }

        return vrs;
    }

    private static bool ParseRetired(string text, SourceLocation location) => text switch
    {
        "" => false,
        "Retired" => true,
        _ => throw new FormatException($"{location}: retired column is '{text}', expected '' or 'Retired'."),
    };

    private static string RequireVM(string text, SourceLocation location) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? text
            : throw new FormatException($"{location}: bad VM '{text}'.");

    /// <summary>Keywords become C# member names verbatim, so they must be identifiers (or empty).</summary>
    private static string RequireKeyword(string text, SourceLocation location) =>
        text.Length == 0 || ((char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            ? text
            : throw new FormatException($"{location}: keyword '{text}' is not a C# identifier.");
}
