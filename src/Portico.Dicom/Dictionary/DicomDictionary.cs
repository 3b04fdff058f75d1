using System.Collections.Frozen;
using Portico.Dicom.Values;

namespace Portico.Dicom.Dictionary;

/// <summary>
/// The data dictionary (PS3.6 Tables 6-1, 7-1 and 8-1 and the PS3.7 Annex E command elements,
/// generated into DicomDictionary.g.cs) and the private dictionaries. Tables are frozen on first
/// use; every lookup is thread-safe and allocates nothing.
/// </summary>
public static partial class DicomDictionary
{
    /// <summary>(gggg,0000) in any group without its own row; retired outside groups 0000 and 0002 (PS3.5 §7.2).</summary>
    private static readonly DicomDictionaryEntry GroupLength =
        new(new DicomTag(0x00000000u), 0x0000FFFFu, [DicomVR.UL], "1", "Group Length", "GenericGroupLength", true);

    /// <summary>
    /// (gggg,0010-00FF) in a private group reserves a block for a creator (PS3.5 §7.8.1). The mask
    /// matches elements 0000-00FF of odd groups; <see cref="Find(DicomTag)"/> applies the exact range.
    /// </summary>
    private static readonly DicomDictionaryEntry PrivateCreator =
        new(new DicomTag(0x00010000u), 0x0001FF00u, [DicomVR.LO], "1", "Private Creator", "PrivateCreator", false);

    /// <summary>
    /// The entry for <paramref name="tag"/>: its own row, else the group length or private creator
    /// element it is, else a repeating row (50xx, 60xx, 0028,04x0...) of an even group, else null.
    /// Private data elements need their creator: see <see cref="FindPrivate(string, DicomTag)"/>.
    /// </summary>
    public static DicomDictionaryEntry? Find(DicomTag tag)
    {
        if (TagTables.ByTag.TryGetValue(tag.Value, out DicomDictionaryEntry? entry))
        {
            return entry;
        }

        if (tag.IsGroupLength)
        {
            return GroupLength;
        }

        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? PrivateCreator : null;
        }

        foreach (RepeaterTable repeaters in TagTables.Repeaters)
        {
            if (repeaters.Rows.TryGetValue(tag.Value & repeaters.Mask, out entry))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The entry whose PS3.6 keyword is <paramref name="keyword"/> (case-sensitive), or null.</summary>
    public static DicomDictionaryEntry? Find(string keyword)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        return KeywordTable.ByKeyword.GetValueOrDefault(keyword);
    }

    /// <summary>
    /// A private element by its creator (the value of its (gggg,00bb) element; leading and trailing
    /// spaces and NUL padding are ignored) and its tag, whatever block bb the creator was given.
    /// The private creator elements themselves give the Private Creator entry.
    /// </summary>
    public static DicomDictionaryEntry? FindPrivate(string creator, DicomTag tag)
    {
        ArgumentNullException.ThrowIfNull(creator);
        return FindPrivate(creator.AsSpan(), tag);
    }

    /// <inheritdoc cref="FindPrivate(string, DicomTag)"/>
    public static DicomDictionaryEntry? FindPrivate(ReadOnlySpan<char> creator, DicomTag tag) =>
        tag.IsPrivateCreator ? PrivateCreator : PrivateDictionary.Find(creator, tag);

    /// <summary>
    /// The VR for an element read without one (implicit VR little endian, PS3.5 §A.1): from the
    /// dictionary (OW when a row allows OW among others, as for Pixel Data), from the private
    /// dictionary when <paramref name="privateCreator"/> is known, and UN when nothing is known.
    /// </summary>
    public static DicomVR ImplicitVR(DicomTag tag, string? privateCreator = null)
    {
        DicomDictionaryEntry? entry = privateCreator is not null && tag.IsPrivate && tag.Element > 0x00FF
            ? PrivateDictionary.Find(privateCreator, tag)
            : Find(tag);
        return entry?.ImplicitVR ?? DicomVR.UN;
    }

    /// <summary>Repeating rows that share one mask, keyed by their masked tag.</summary>
    private sealed record RepeaterTable(uint Mask, FrozenDictionary<uint, DicomDictionaryEntry> Rows);

    // Each table is built on its first use: the CLR runs a type initializer once, thread-safely.
    // Tag and keyword tables are apart so that a reader, which only looks up tags, never pays
    // for the keyword table.
    private static class Parsed
    {
        /// <summary>Every PS3.6 row of DicomDictionary.g.cs: exact rows in tag order, then repeating rows.</summary>
        public static readonly DicomDictionaryEntry[] Entries = Read(DicomDictionary.Rows);

        private static DicomDictionaryEntry[] Read(string rows)
        {
            var reader = new DictionaryRowReader();
            var entries = new List<DicomDictionaryEntry>(5000);
            foreach (ReadOnlySpan<char> line in rows.AsSpan().EnumerateLines())
            {
                if (!line.IsEmpty)
                {
                    entries.Add(reader.Read(line));
                }
            }

            return [.. entries];
        }
    }

    private static class TagTables
    {
        public static readonly FrozenDictionary<uint, DicomDictionaryEntry> ByTag =
            Parsed.Entries.Where(e => e.Mask == uint.MaxValue).ToFrozenDictionary(e => e.Tag.Value);

        /// <summary>Most specific mask first, so (0028,0410) meets 002804x0 before any broader row.</summary>
        public static readonly RepeaterTable[] Repeaters =
        [
            .. Parsed.Entries.Where(e => e.Mask != uint.MaxValue)
                .GroupBy(e => e.Mask)
                .OrderByDescending(g => uint.PopCount(g.Key))
                .ThenBy(g => g.Key)
                .Select(g => new RepeaterTable(g.Key, g.ToFrozenDictionary(e => e.Tag.Value))),
        ];
    }

    private static class KeywordTable
    {
        /// <summary>Keywords of PS3.6 rows (first row wins) plus the two synthesized entries.</summary>
        public static readonly FrozenDictionary<string, DicomDictionaryEntry> ByKeyword =
            Parsed.Entries.Append(GroupLength).Append(PrivateCreator)
                .Where(e => e.Keyword.Length > 0)
                .DistinctBy(e => e.Keyword, StringComparer.Ordinal)
                .ToFrozenDictionary(e => e.Keyword, StringComparer.Ordinal);
    }
}
