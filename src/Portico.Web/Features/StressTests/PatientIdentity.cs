using System.Globalization;
using System.Text;

namespace Portico.Web.Features.StressTests;

/// <summary>How well a stress test's patient matches a study's patient (FORMATS.md §4.2).</summary>
public enum IdentityMatch
{
    /// <summary>Not the same patient (or not enough to tell).</summary>
    None,

    /// <summary>Both Patient IDs present and equal, no conflicting birth date or sex.</summary>
    Strong,

    /// <summary>A Patient ID missing: family name, first given name and birth date equal, sex not conflicting.</summary>
    Weak,

    /// <summary>Patient IDs equal but birth date or sex differ: never attached without a person's confirmation.</summary>
    Conflict,
}

/// <summary>A study's patient as the index holds it (DICOM values).</summary>
public sealed record DicomPatient(string PatientId, string IssuerOfPatientId, string PatientName, DateOnly? BirthDate, string Sex);

/// <summary>The normalisation and identity rules of FORMATS.md §4.1–4.2. Pure functions.</summary>
public static class PatientIdentity
{
    public static IdentityMatch Compare(StressTestPatient xml, DicomPatient dicom, bool allowDemographicFallbackWhenIdsDiffer)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(dicom);
        string xmlId = NormalizeId(xml.Id);
        string dicomId = NormalizeId(dicom.PatientId);
        bool sexConflict = KnownSex(xml.Sex) is { } a && KnownSex(dicom.Sex) is { } b && a != b;
        if (xmlId.Length > 0 && dicomId.Length > 0)
        {
            if (string.Equals(xmlId, dicomId, StringComparison.OrdinalIgnoreCase))
            {
                bool birthConflict = xml.BirthDate is { } x && dicom.BirthDate is { } d && x != d;
                return birthConflict || sexConflict ? IdentityMatch.Conflict : IdentityMatch.Strong;
            }

            if (!allowDemographicFallbackWhenIdsDiffer)
            {
                return IdentityMatch.None;
            }
        }

        // Demographic fallback: names alone are never enough; the birth date must be present on both sides.
        (string family, string given) = SplitPersonName(dicom.PatientName);
        bool same = xml.BirthDate is { } xb && dicom.BirthDate is { } db && xb == db
            && NormalizeName(xml.FamilyName) is { Length: > 0 } xf && xf == NormalizeName(family)
            && FirstToken(xml.GivenName) is { Length: > 0 } xg && xg == FirstToken(given)
            && !sexConflict;
        return same ? IdentityMatch.Weak : IdentityMatch.None;
    }

    /// <summary>Trim, collapse inner whitespace; leading zeros are kept (§4.1).</summary>
    public static string NormalizeId(string? id) => id is null ? "" : string.Join(' ', id.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>NFKD, combining marks dropped, upper case, only A–Z and 0–9 kept (§4.1).</summary>
    public static string NormalizeName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        var sb = new StringBuilder(name.Length);
        foreach (char c in name.Normalize(NormalizationForm.FormKD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            char u = char.ToUpperInvariant(c);
            if (u is >= 'A' and <= 'Z' or >= '0' and <= '9')
            {
                sb.Append(u);
            }
            else if (Fold(c) is { } folded)
            {
                sb.Append(folded);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Base letters of U+00C0–U+017F: the app runs with invariant globalization, where NFKD leaves precomposed
    /// letters as they are, so Latin-1 and Latin Extended-A letters are folded here (<c>Ê</c> → <c>E</c>).
    /// </summary>
    private const string LatinFold = "AAAAAA*CEEEEIIIIDNOOOOO-OUUUUY**AAAAAA*CEEEEIIIIDNOOOOO-OUUUUY*YAAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII**JJKKKLLLLLLLLLLNNNNNNNNNOOOOOO**RRRRRRSSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";

    private static string? Fold(char c) => c switch
    {
        'Æ' or 'æ' => "AE",
        'Þ' or 'þ' => "TH",
        'ß' => "SS",
        'Ĳ' or 'ĳ' => "IJ",
        'Œ' or 'œ' => "OE",
        >= '\u00C0' and <= '\u017F' when LatinFold[c - '\u00C0'] is not ('*' or '-') and var f => f.ToString(),
        _ => null,
    };

    /// <summary>The part of a PN before the first <c>=</c>, split on <c>^</c>: family, given.</summary>
    public static (string Family, string Given) SplitPersonName(string? pn)
    {
        string alphabetic = (pn ?? "").Split('=')[0];
        string[] parts = alphabetic.Split('^');
        return (parts[0], parts.Length > 1 ? parts[1] : "");
    }

    private static string FirstToken(string? given) =>
        NormalizeName((given ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault());

    /// <summary>M or F; anything else is unknown and never conflicts.</summary>
    private static string? KnownSex(string? sex) => sex?.Trim().ToUpperInvariant() switch
    {
        "M" or "MALE" => "M",
        "F" or "FEMALE" => "F",
        _ => null,
    };
}
