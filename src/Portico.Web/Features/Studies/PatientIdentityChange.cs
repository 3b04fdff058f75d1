using Portico.Index.Studies;

namespace Portico.Web.Features.Studies;

/// <summary>
/// A new patient identity for a study (<c>PUT /api/studies/{uid}/patient</c> and the study page's dialog). The reason
/// is required and goes to the audit log with the old and new values. Prints no values: they are patient data.
/// </summary>
public sealed record PatientIdentityChange(PersonNameParts Name, string PatientId, DateOnly? BirthDate, string? Sex, string Reason)
{
    public const int ComponentMaxLength = 64;
    public const int PatientIdMaxLength = 64;
    public const int ReasonMaxLength = 1000;

    /// <summary>M, F, O, or empty for unknown.</summary>
    public string NormalizedSex => (Sex ?? "").Trim().ToUpperInvariant() switch
    {
        "M" => "M",
        "F" => "F",
        "O" => "O",
        _ => "",
    };

    public Dictionary<string, string[]>? Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Name is null || Name.ToDicom().Replace("^", "", StringComparison.Ordinal).Trim().Length == 0)
        {
            errors["familyName"] = ["Enter at least the family name."];
        }
        else
        {
            foreach ((string field, string value) in new[] { ("familyName", Name.Family), ("givenName", Name.Given), ("middleName", Name.Middle), ("prefix", Name.Prefix), ("suffix", Name.Suffix) })
            {
                if (value.Length > ComponentMaxLength)
                {
                    errors[field] = [$"At most {ComponentMaxLength} characters."];
                }
                else if (value.AsSpan().IndexOfAny('^', '=', '\\') >= 0 || value.Any(char.IsControl))
                {
                    errors[field] = ["The characters ^ = \\ are not allowed in a name part."];
                }
            }
        }

        string id = (PatientId ?? "").Trim();
        if (id.Length > PatientIdMaxLength)
        {
            errors["patientId"] = [$"A Patient ID has at most {PatientIdMaxLength} characters."];
        }
        else if (id.Contains('\\', StringComparison.Ordinal) || id.Any(char.IsControl))
        {
            errors["patientId"] = ["The Patient ID cannot contain \\ or control characters."];
        }

        if (!string.IsNullOrWhiteSpace(Sex) && NormalizedSex.Length == 0)
        {
            errors["sex"] = ["Sex is M, F, O, or empty for unknown."];
        }

        if (BirthDate is { } birth && (birth.Year < 1850 || birth > DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1)))
        {
            errors["birthDate"] = ["The birth date is not plausible."];
        }

        if (string.IsNullOrWhiteSpace(Reason))
        {
            errors["reason"] = ["A reason is required: it goes to the audit log."];
        }
        else if (Reason.Length > ReasonMaxLength)
        {
            errors["reason"] = [$"At most {ReasonMaxLength} characters."];
        }

        return errors.Count > 0 ? errors : null;
    }

    internal static object Snapshot(Patient patient) => new
    {
        patientName = patient.PatientName,
        patientId = patient.PatientId,
        issuerOfPatientId = patient.IssuerOfPatientId,
        birthDate = patient.BirthDate,
        sex = patient.Sex,
    };

    public override string ToString() => nameof(PatientIdentityChange);
}
