namespace Portico.Web.Features.Studies;

/// <summary>The five components of a DICOM person name (PS3.5 §6.2, PN), alphabetic group only.</summary>
public sealed record PersonNameParts(string Family, string Given, string Middle, string Prefix, string Suffix)
{
    public static PersonNameParts Parse(string? value)
    {
        string alphabetic = (value ?? "").Split('=')[0];
        string[] parts = alphabetic.Split('^');
        string Part(int i) => i < parts.Length ? parts[i].Trim() : "";
        return new PersonNameParts(Part(0), Part(1), Part(2), Part(3), Part(4));
    }

    /// <summary>The PN value: components joined with <c>^</c>, trailing empty components left out.</summary>
    public string ToDicom() => string.Join('^', new[] { Family, Given, Middle, Prefix, Suffix }.Select(p => p.Trim())).TrimEnd('^');

    /// <summary>"Family, Prefix Given Middle, Suffix" with the empty parts left out.</summary>
    public string ToDisplay()
    {
        string first = string.Join(' ', new[] { Prefix, Given, Middle }.Where(p => p.Length > 0));
        string name = Family.Length > 0 && first.Length > 0 ? $"{Family}, {first}" : Family + first;
        return Suffix.Length > 0 ? $"{name}, {Suffix}" : name;
    }

    /// <summary>Prints nothing of the name: it is patient data.</summary>
    public override string ToString() => nameof(PersonNameParts);
}

/// <summary>How the web app shows DICOM values.</summary>
public static class DisplayFormats
{
    /// <summary>A PN value for people: <c>Doe^John</c> as "Doe, John"; empty as an em dash.</summary>
    public static string PersonName(string? value)
    {
        string display = PersonNameParts.Parse(value).ToDisplay();
        return display.Length > 0 ? display : "—";
    }

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "—";

    /// <summary>A TM value (<c>142530.123</c>) as <c>14:25</c> (or <c>14:25:30</c> when seconds are given).</summary>
    public static string Time(string? tm)
    {
        if (string.IsNullOrWhiteSpace(tm))
        {
            return "";
        }

        string t = tm.Trim().Replace(":", "", StringComparison.Ordinal);
        return t.Length switch
        {
            >= 6 => $"{t[..2]}:{t[2..4]}:{t[4..6]}",
            >= 4 => $"{t[..2]}:{t[2..4]}",
            2 => $"{t}:00",
            _ => t,
        };
    }

    /// <summary>A TM value as <c>14:25</c>, for tight columns.</summary>
    public static string ShortTime(string? tm) => Time(tm) is { Length: > 5 } t ? t[..5] : Time(tm);

    /// <summary>A UTC instant in the viewer's terms: <c>yyyy-MM-dd HH:mm</c> UTC.</summary>
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    /// <summary><c>yyyy-MM-dd HH:mm</c> (UTC), for tight columns.</summary>
    public static string InstantShort(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public static string Instant(DateTime utc) => Instant(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));

    public static string Sex(string? sex) => sex?.Trim() switch
    {
        "M" => "Male",
        "F" => "Female",
        "O" => "Other",
        _ => "Unknown",
    };

    public static string Status(string status) => status switch
    {
        "InProgress" => "In progress",
        _ => status,
    };

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.##} GB",
    };

    /// <summary>The kind of source as people say it.</summary>
    public static string SourceKind(string kind) => kind switch
    {
        "DicomIdentity" => "DICOM",
        "User" => "Uploaded by user",
        "UploadCode" => "Upload code",
        "Import" => "Import",
        "ApiKey" => "API key",
        _ => kind,
    };
}
