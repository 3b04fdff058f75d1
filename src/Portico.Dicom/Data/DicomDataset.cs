using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Text;
using Portico.Dicom.Values;

namespace Portico.Dicom.Data;

/// <summary>
/// A data set or sequence item: entries sorted by tag, values decoded lazily. Items inherit the
/// Specific Character Set of the data set that contains them unless they declare their own (PS3.5 §7.5.3).
/// </summary>
public sealed class DicomDataset : IEnumerable<DicomItem>
{
    private readonly List<DicomItem> _items;
    private SpecificCharacterSet? _characterSet;

    public DicomDataset()
    {
        _items = [];
    }

    public DicomDataset(DicomDataset? parent)
        : this()
    {
        Parent = parent;
    }

    /// <summary>The data set whose sequence holds this item, or null at the top level.</summary>
    public DicomDataset? Parent { get; internal set; }

    /// <summary>For an item: it was encoded with undefined length and an item delimiter.</summary>
    public bool UndefinedLength { get; set; }

    public int Count => _items.Count;

    /// <summary>The character set that applies to this data set's text values.</summary>
    public SpecificCharacterSet CharacterSet
    {
        get
        {
            if (_characterSet is not null)
            {
                return _characterSet;
            }

            if (TryGetElement(DicomTag.SpecificCharacterSetTag, out DicomElement? e))
            {
                _characterSet = SpecificCharacterSet.FromBytes(e.Value.Span);
                return _characterSet;
            }

            return Parent?.CharacterSet ?? SpecificCharacterSet.Default;
        }
    }

    public DicomItem? this[DicomTag tag] => Find(tag);

    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    public DicomItem? Find(DicomTag tag)
    {
        int i = IndexOf(tag);
        return i >= 0 ? _items[i] : null;
    }

    public bool TryGetElement(DicomTag tag, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DicomElement? element)
    {
        element = Find(tag) as DicomElement;
        return element is not null;
    }

    public DicomSequence? GetSequence(DicomTag tag) => Find(tag) as DicomSequence;

    /// <summary>The text value of an element, decoded with the data set's character set; null when absent.</summary>
    public string? GetString(DicomTag tag) => TryGetElement(tag, out DicomElement? e) ? e.GetString(CharacterSet) : null;

    public string[] GetStrings(DicomTag tag) => TryGetElement(tag, out DicomElement? e) ? e.GetStrings(CharacterSet) : [];

    /// <summary>The first binary value (US, UL, SS, SL, FL, FD...) or <paramref name="fallback"/>.</summary>
    public T GetValue<T>(DicomTag tag, T fallback = default)
        where T : unmanaged
    {
        if (TryGetElement(tag, out DicomElement? e) && e.Value.Length >= System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            return MemoryMarshal.Read<T>(e.Value.Span);
        }

        return fallback;
    }

    /// <summary>Adds or replaces an entry, keeping the order by tag.</summary>
    public void Add(DicomItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Tag == DicomTag.SpecificCharacterSetTag)
        {
            _characterSet = null;
        }

        if (item is DicomSequence sequence)
        {
            foreach (DicomDataset child in sequence.Items)
            {
                child.Parent = this;
            }
        }

        int n = _items.Count;
        if (n == 0 || _items[n - 1].Tag < item.Tag)
        {
            _items.Add(item);
            return;
        }

        int i = IndexOf(item.Tag);
        if (i >= 0)
        {
            _items[i] = item;
        }
        else
        {
            _items.Insert(~i, item);
        }
    }

    /// <summary>Adds or replaces a text element, encoding it with the data set's character set and padding it to even length.</summary>
    public void AddOrUpdate(DicomTag tag, DicomVR vr, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        DicomVRInfo info = vr.Info;
        if (info.Kind != DicomValueKind.Text)
        {
            throw new ArgumentException($"{vr} is not a text VR.", nameof(vr));
        }

        byte[] bytes = info.CharacterSetDependent ? CharacterSet.Encode(value, vr == DicomVR.PN ? DecodeContext.PersonName : DecodeContext.Text) : Encoding.Latin1.GetBytes(value);
        if ((bytes.Length & 1) == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = info.Padding;
        }

        Add(new DicomElement(tag, vr, bytes));
    }

    /// <summary>Adds or replaces a binary element (US ushort, UL uint, FD double...).</summary>
    public void AddOrUpdate<T>(DicomTag tag, DicomVR vr, params ReadOnlySpan<T> values)
        where T : unmanaged =>
        Add(new DicomElement(tag, vr, MemoryMarshal.AsBytes(values).ToArray()));

    public bool Remove(DicomTag tag)
    {
        int i = IndexOf(tag);
        if (i < 0)
        {
            return false;
        }

        _items.RemoveAt(i);
        if (tag == DicomTag.SpecificCharacterSetTag)
        {
            _characterSet = null;
        }

        return true;
    }

    /// <summary>Removes every entry with a tag in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public void RemoveRange(DicomTag from, DicomTag to) => _items.RemoveAll(i => i.Tag >= from && i.Tag <= to);

    public IEnumerator<DicomItem> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Counts only: a data set may hold patient data and must never be logged by value.</summary>
    public override string ToString() => $"DicomDataset ({_items.Count} entries)";

    private int IndexOf(DicomTag tag)
    {
        int lo = 0;
        int hi = _items.Count - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            uint t = _items[mid].Tag.Value;
            if (t == tag.Value)
            {
                return mid;
            }

            if (t < tag.Value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
