namespace Portico.Index;

/// <summary>
/// Column lengths the index enforces (PostgreSQL <c>varchar(n)</c>; SQLite does not check). Callers validate
/// against these before saving. DICOM text values (names, descriptions, IDs) are not limited.
/// </summary>
public static class IndexLimits
{
    /// <summary>PS3.5 §9.1: a UID is at most 64 characters.</summary>
    public const int UidMaxLength = 64;

    public const int LabelMaxLength = 64;

    /// <summary>Names of sources, actors, API keys, display names.</summary>
    public const int NameMaxLength = 256;

    /// <summary>An IPv6 address with port and zone fits.</summary>
    public const int AddressMaxLength = 64;

    public const int BlobKeyMaxLength = 512;

    /// <summary>A sentence for administrators: why an association was refused, a job failed.</summary>
    public const int ReasonMaxLength = 1024;
}
