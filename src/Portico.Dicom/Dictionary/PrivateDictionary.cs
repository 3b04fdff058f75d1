using System.Collections.Frozen;

namespace Portico.Dicom.Dictionary;

/// <summary>
/// Private data elements by creator (PS3.5 §7.8). The rows live in one string literal
/// (PrivateDictionary.g.cs), parsed once on first use into frozen tables.
/// </summary>
internal static partial class PrivateDictionary
{
    /// <summary>Characters that pad or surround a creator's LO value and do not belong to it.</summary>
    private const string CreatorPadding = " \0";

    /// <summary>
    /// The row for <paramref name="tag"/> under <paramref name="creator"/>: an exact row if there is
    /// one, else the row with the block byte masked (0029xx10), else any broader pattern.
    /// </summary>
    public static DicomDictionaryEntry? Find(ReadOnlySpan<char> creator, DicomTag tag)
    {
        Table table = Loaded.Table;
        if (!table.ByCreator.TryGetValue(creator.Trim(CreatorPadding), out CreatorRows? rows))
        {
            return null;
        }

        foreach (uint mask in rows.Masks)
        {
            if (table.Elements.TryGetValue(new RowKey(rows.Id, mask, tag.Value & mask), out DicomDictionaryEntry? entry))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Number of creators and of rows, for tests and diagnostics.</summary>
    internal static (int Creators, int Rows) Count => (Loaded.Table.CreatorCount, Loaded.Table.Elements.Count);

    private readonly record struct RowKey(int Creator, uint Mask, uint Tag);

    /// <param name="Masks">The masks this creator's rows use, most specific first.</param>
    private sealed record CreatorRows(int Id, uint[] Masks);

    private sealed class Table(FrozenDictionary<RowKey, DicomDictionaryEntry> elements, FrozenDictionary<string, CreatorRows> creators)
    {
        public FrozenDictionary<RowKey, DicomDictionaryEntry> Elements { get; } = elements;

        public FrozenDictionary<string, CreatorRows>.AlternateLookup<ReadOnlySpan<char>> ByCreator { get; } =
            creators.GetAlternateLookup<ReadOnlySpan<char>>();

        public int CreatorCount { get; } = creators.Count;
    }

    /// <summary>Parsed on first lookup (the CLR runs a type initializer once, thread-safely).</summary>
    private static class Loaded
    {
        public static readonly Table Table = Parse(Rows);
    }

    private static Table Parse(string text)
    {
        var elements = new Dictionary<RowKey, DicomDictionaryEntry>();
        var creators = new Dictionary<string, CreatorRows>(StringComparer.Ordinal);
        var reader = new DictionaryRowReader();
        var masks = new List<uint>();
        string? creator = null;
        foreach (ReadOnlySpan<char> line in text.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty)
            {
                continue;
            }

            if (line[0] == '[')
            {
                Close(creator, creators, masks);
                creator = line[1..^1].ToString();
                continue;
            }

            if (creator is null)
            {
                throw new InvalidOperationException($"Private dictionary row '{line}' before any creator.");
            }

            DicomDictionaryEntry entry = reader.Read(line);
            if (!masks.Contains(entry.Mask))
            {
                masks.Add(entry.Mask);
            }

            // While a creator's rows are read, its id-to-be is the number of creators closed so far.
            elements.Add(new RowKey(creators.Count, entry.Mask, entry.Tag.Value), entry);
        }

        Close(creator, creators, masks);
        return new Table(elements.ToFrozenDictionary(), creators.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>Ends a creator's block; its id is its position, the one its rows were keyed with.</summary>
    private static void Close(string? creator, Dictionary<string, CreatorRows> creators, List<uint> masks)
    {
        if (creator is null)
        {
            return;
        }

        // Most specific first; among equals the numerically smaller mask, which puts the standard
        // block-byte pattern (gggg,xxee) before GDCM's few (gggg,eexx) rows.
        uint[] ordered = [.. masks.OrderByDescending(uint.PopCount).ThenBy(m => m)];
        creators.Add(creator, new CreatorRows(creators.Count, ordered));
        masks.Clear();
    }
}
