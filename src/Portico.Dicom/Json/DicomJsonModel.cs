using Portico.Dicom.Values;

namespace Portico.Dicom.Json;

/// <summary>Member names and per-VR rules of the DICOM JSON Model (PS3.18 F.2) shared by the reader and the writer.</summary>
internal static class DicomJsonModel
{
    public static ReadOnlySpan<byte> VR => "vr"u8;

    public static ReadOnlySpan<byte> Value => "Value"u8;

    public static ReadOnlySpan<byte> InlineBinary => "InlineBinary"u8;

    public static ReadOnlySpan<byte> BulkDataUri => "BulkDataURI"u8;

    public static ReadOnlySpan<byte> Alphabetic => "Alphabetic"u8;

    public static ReadOnlySpan<byte> Ideographic => "Ideographic"u8;

    public static ReadOnlySpan<byte> Phonetic => "Phonetic"u8;

    /// <summary>The value of (0008,0005) for UTF-8, the JSON model's own repertoire (PS3.18 F.2).</summary>
    public const string Utf8CharacterSet = "ISO_IR 192";

    /// <summary>
    /// SV and UV values beyond ±(2^53 - 1) are written as strings: JSON numbers are read as IEEE doubles by
    /// most consumers, which hold 53 bits exactly (PS3.18 Table F.2.3-1 note).
    /// </summary>
    public const long MaxSafeInteger = (1L << 53) - 1;

    /// <summary>Non-finite FL/FD values have no JSON number form; they are written as these strings.</summary>
    public const string NaN = "NaN";

    public const string PositiveInfinity = "Infinity";

    public const string NegativeInfinity = "-Infinity";

    /// <summary>The VRs PS3.18 F.2.2 allows a "BulkDataURI" for.</summary>
    public static bool AllowsBulkDataUri(DicomVR vr) =>
        vr.Info.Kind is DicomValueKind.Bulk
        || vr == DicomVR.DS || vr == DicomVR.FD || vr == DicomVR.FL || vr == DicomVR.IS || vr == DicomVR.LT
        || vr == DicomVR.SL || vr == DicomVR.SS || vr == DicomVR.ST || vr == DicomVR.SV || vr == DicomVR.UC
        || vr == DicomVR.UL || vr == DicomVR.US || vr == DicomVR.UT || vr == DicomVR.UV;

    /// <summary>True when <paramref name="text"/> is a number as RFC 8259 §6 writes it (no '+', no leading zeros, no bare '.').</summary>
    public static bool IsJsonNumber(ReadOnlySpan<char> text)
    {
        int i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (i == text.Length)
        {
            return false;
        }

        if (text[i] == '0')
        {
            i++;
        }
        else if (char.IsAsciiDigit(text[i]))
        {
            i = SkipDigits(text, i);
        }
        else
        {
            return false;
        }

        if (i < text.Length && text[i] == '.')
        {
            int start = ++i;
            i = SkipDigits(text, i);
            if (i == start)
            {
                return false;
            }
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }

            int start = i;
            i = SkipDigits(text, i);
            if (i == start)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static int SkipDigits(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i;
    }
}
