namespace Portico.Index.UploadPortal;

/// <summary>The Upload Portal's settings (one row), set in the web app by users with <c>UploadPortal.Manage</c>.</summary>
public sealed class UploadPortalSettings
{
    /// <summary>The one row's key.</summary>
    public const int SingletonId = 1;

    public const long MaxSessionBytesLimit = 10L * 1024 * 1024 * 1024;

    public int Id { get; set; } = SingletonId;

    public string InstitutionName { get; set; } = "";

    public string Phone { get; set; } = "";

    public string Email { get; set; } = "";

    /// <summary>Link to the upload manual; empty means Portico's own manual page.</summary>
    public string ManualUrl { get; set; } = "";

    public string PrivacyPolicy { get; set; } = "";

    public string ConsentText { get; set; } = "";

    /// <summary>Largest total of one upload session, 0 to 10 GB. Default 2 GB.</summary>
    public long MaxSessionBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Most studies in one upload session. Default 10.</summary>
    public int MaxStudiesPerSession { get; set; } = 10;

    public int DefaultCodeValidityDays { get; set; } = 14;

    public int MaxCodeValidityDays { get; set; } = 90;

    /// <summary>Whether the portal may run without a malware scanner (shown as a warning in the settings).</summary>
    public bool AllowUnscannedUploads { get; set; }

    public DateTime? UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}
