using System.Collections.Frozen;

namespace Portico.Dicom.Uids;

/// <summary>A registered UID of PS3.6 Annex A (SOP class, transfer syntax, frame of reference...).</summary>
/// <param name="Value">The UID itself, "1.2.840.10008.1.2.1".</param>
/// <param name="Name">The standard's name, "Explicit VR Little Endian".</param>
/// <param name="Type">The standard's type column, "Transfer Syntax", "SOP Class"...</param>
/// <param name="Keyword">The keyword (the member of <see cref="DicomUids"/>), or empty for the few rows without one.</param>
public sealed record DicomUid(string Value, string Name, string Type, string Keyword, bool Retired)
{
    /// <summary>PS3.5 §9.1: a UID is at most 64 characters.</summary>
    public const int MaxLength = 64;

    /// <summary>The registered UID with this value, or null. One trailing NUL (the UI padding of PS3.5 §6.2) is ignored.</summary>
    public static DicomUid? Find(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Find(value.AsSpan());
    }

    /// <inheritdoc cref="Find(string)"/>
    public static DicomUid? Find(ReadOnlySpan<char> value)
    {
        if (!value.IsEmpty && value[^1] == '\0')
        {
            value = value[..^1];
        }

        return Registry.ByValue.TryGetValue(value, out DicomUid? uid) ? uid : null;
    }

    /// <summary>
    /// Whether <paramref name="uid"/> is a well-formed UID (PS3.5 §9.1): 1 to 64 characters,
    /// components of digits 0-9 separated by '.', none empty, none with a leading zero unless it is
    /// the single digit "0". Padding must be removed first.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty || uid.Length > MaxLength)
        {
            return false;
        }

        int componentStart = 0;
        for (int i = 0; i <= uid.Length; i++)
        {
            if (i == uid.Length || uid[i] == '.')
            {
                int length = i - componentStart;
                if (length == 0 || (length > 1 && uid[componentStart] == '0'))
                {
                    return false;
                }

                componentStart = i + 1;
            }
            else if (!char.IsAsciiDigit(uid[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Value;

    /// <summary>Built on first lookup (the CLR runs a type initializer once, thread-safely).</summary>
    private static class Registry
    {
        public static readonly FrozenDictionary<string, DicomUid>.AlternateLookup<ReadOnlySpan<char>> ByValue =
            DicomUids.Table.ToFrozenDictionary(uid => uid.Value, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
