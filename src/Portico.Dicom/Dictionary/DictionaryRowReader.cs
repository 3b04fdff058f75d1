using Portico.Dicom.Values;

namespace Portico.Dicom.Dictionary;

/// <summary>
/// Reads the rows that Portico.Dicom.Generator writes into DicomDictionary.g.cs and
/// PrivateDictionary.g.cs, one per line: <c>pattern|VRs|VM|retired|keyword|name</c>.
/// <list type="bullet">
/// <item>pattern: eight hex digits, 'x' for each repeating digit ("00100010", "60xx3000", "0029xx10");
/// the entry's tag has 0 there and its mask a zero nibble.</item>
/// <item>VRs: the allowed VRs joined by '/' ("OB/OW"), empty for none (item tags).</item>
/// <item>retired: 1 or 0. keyword: empty for private rows. name: the rest of the line.</item>
/// </list>
/// VR lists and VM strings are shared between entries. One instance per parse; not thread-safe.
/// </summary>
internal sealed class DictionaryRowReader
{
    private readonly Dictionary<string, DicomVR[]> _vrLists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _vms = new(StringComparer.Ordinal);

    public DicomDictionaryEntry Read(ReadOnlySpan<char> line)
    {
        Span<Range> fields = stackalloc Range[7];
        if (line.Split(fields, '|') != 6)
        {
            throw new InvalidOperationException($"Bad dictionary row '{line}'.");
        }

        (uint tag, uint mask) = ParsePattern(line[fields[0]]);
        return new DicomDictionaryEntry(
            new DicomTag(tag),
            mask,
            Shared(_vrLists, line[fields[1]], ParseVRs),
            Shared(_vms, line[fields[2]], vm => vm),
            line[fields[5]].ToString(),
            line[fields[4]].ToString(),
            line[fields[3]] is "1");
    }

    /// <summary>"0029xx10" gives tag 0x00290010 and mask 0xFFFF00FF.</summary>
    public static (uint Tag, uint Mask) ParsePattern(ReadOnlySpan<char> pattern)
    {
        if (pattern.Length != 8)
        {
            throw new InvalidOperationException($"Bad tag pattern '{pattern}'.");
        }

        uint tag = 0;
        uint mask = 0;
        foreach (char c in pattern)
        {
            tag <<= 4;
            mask <<= 4;
            if (c == 'x')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                throw new InvalidOperationException($"Bad tag pattern '{pattern}'.");
            }

            tag |= (uint)(char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
            mask |= 0xF;
        }

        return (tag, mask);
    }

    private static T Shared<T>(Dictionary<string, T> cache, ReadOnlySpan<char> key, Func<string, T> create)
    {
        Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> lookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key, out T? value))
        {
            string text = key.ToString();
            value = create(text);
            cache.Add(text, value);
        }

        return value;
    }

    private static DicomVR[] ParseVRs(string text) =>
        text.Length == 0 ? [] : [.. text.Split('/').Select(DicomVR.Parse)];
}
