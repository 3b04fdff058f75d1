namespace Portico.Index.UploadPortal;

/// <summary>
/// A code the hospital gives a patient or referrer to open the Upload Portal. Only the SHA-256 of the normalised code
/// is stored; the code itself is shown once, at creation.
/// </summary>
public sealed class UploadCode
{
    public UploadCodeId Id { get; set; } = UploadCodeId.New();

    /// <summary>SHA-256 of the normalised code (upper case, no separators), 64 lower-case hex digits; unique.</summary>
    public string CodeHash { get; set; } = "";

    /// <summary>Who the code is for (a patient or a referring physician), optional; shown to staff only.</summary>
    public string? IssuedTo { get; set; }

    /// <summary>A note for staff, optional.</summary>
    public string? Note { get; set; }

    /// <summary>How many portal sessions the code opens; null for no limit, 1 for single use.</summary>
    public int? MaxSessions { get; set; }

    /// <summary>Portal sessions opened so far.</summary>
    public int Uses { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>E-mail of the user who created it.</summary>
    public string CreatedBy { get; set; } = "";

    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    /// <summary>What a list shows: revoked, expired, used (no sessions left) or active, in that order.</summary>
    public UploadCodeStatus StatusAt(DateTime now) =>
        RevokedAt is not null ? UploadCodeStatus.Revoked
        : ExpiresAt <= now ? UploadCodeStatus.Expired
        : MaxSessions is { } max && Uses >= max ? UploadCodeStatus.Used
        : UploadCodeStatus.Active;
}
