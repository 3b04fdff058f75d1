using System.Text;

namespace Portico.Dicom.Network;

/// <summary>
/// Application Entity titles (PS3.5 §6.2 VR AE): 1–16 characters of the Default Character Repertoire
/// without control characters or backslash; leading and trailing spaces are not significant. On the
/// wire (PS3.8 §9.3.2) the field is exactly 16 bytes, space padded.
/// </summary>
public static class AETitle
{
    public const int WireLength = 16;

    /// <summary>True when <paramref name="value"/> is a valid AE title once its padding spaces are trimmed.</summary>
    public static bool IsValid(string? value)
    {
        if (value is null)
        {
            return false;
        }
        string trimmed = value.Trim(' ');
        if (trimmed.Length is 0 or > WireLength)
        {
            return false;
        }
        foreach (char c in trimmed)
        {
            if (c < 0x20 || c > 0x7E || c == '\\')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Decodes a 16-byte field; refuses one that is empty or holds invalid characters.</summary>
    public static string Decode(ReadOnlySpan<byte> field)
    {
        if (field.Length != WireLength)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.InvalidAETitle, "An AE title field must be 16 bytes.");
        }
        foreach (byte b in field)
        {
            // Space padded per PS3.8; trailing NULs from old implementations are tolerated, other controls are not.
            if (b != 0 && (b < 0x20 || b > 0x7E || b == (byte)'\\'))
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.InvalidAETitle, "An AE title holds a character outside the Default Character Repertoire.");
            }
        }
        string value = Encoding.ASCII.GetString(field).TrimEnd('\0').Trim(' ');
        if (value.Length == 0 || value.Contains('\0', StringComparison.Ordinal))
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.InvalidAETitle, "An AE title is empty.");
        }
        return value;
    }

    /// <summary>Writes <paramref name="value"/> as a 16-byte space-padded field.</summary>
    public static void Encode(string value, Span<byte> field)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not a valid AE title.", nameof(value));
        }
        string trimmed = value.Trim(' ');
        field[..WireLength].Fill((byte)' ');
        Encoding.ASCII.GetBytes(trimmed, field);
    }
}
