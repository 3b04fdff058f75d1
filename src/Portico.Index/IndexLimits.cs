namespace Portico.Index;

/// <summary>
/// Column lengths the index enforces (PostgreSQL <c>varchar(n)</c>; SQLite does not check). Callers validate
/// against these before saving, or cut a received value to fit (<see cref="Fit"/>). DICOM text values (names,
/// descriptions, IDs) are not limited.
/// </summary>
public static class IndexLimits
{
    /// <summary>PS3.5 §9.1: a UID is at most 64 characters.</summary>
    public const int UidMaxLength = 64;

    public const int LabelMaxLength = 64;

    /// <summary>A Code String (PS3.5 §6.2: at most 16 characters): patient sex, modality. A longer one is indexed cut short.</summary>
    public const int CodeStringMaxLength = 16;

    /// <summary>A Long String (PS3.5 §6.2: at most 64 characters) as a device sent it: a patient ID, an accession number.</summary>
    public const int LongStringMaxLength = 64;

    /// <summary>A study time as received (TM is at most 14 characters; some devices send more). A longer one is indexed cut short.</summary>
    public const int TimeMaxLength = 32;

    /// <summary>Names of sources, actors, API keys, display names.</summary>
    public const int NameMaxLength = 256;

    /// <summary>An IPv6 address with port and zone fits.</summary>
    public const int AddressMaxLength = 64;

    public const int BlobKeyMaxLength = 512;

    /// <summary>A file's path as a sender gave it: an uploaded file's name, a ZIP entry.</summary>
    public const int PathMaxLength = 1024;

    /// <summary>A sentence for administrators: why an association was refused, a job failed.</summary>
    public const int ReasonMaxLength = 1024;

    /// <summary><paramref name="value"/>, cut to <paramref name="maxLength"/> characters when longer (null stays null).</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Fit(string? value, int maxLength) =>
        value is null || value.Length <= maxLength ? value : value[..maxLength];
}
