namespace Portico.Index.UploadPortal;

/// <summary>
/// One file sent in a portal session (one tus upload: a DICOM file, a ZIP archive or an attachment): what it is, how
/// big, and what became of it. Its bytes wait in the upload store until the session is finished.
/// </summary>
public sealed class PortalFile
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SessionId { get; set; }

    /// <summary>The tus upload's id in the upload store.</summary>
    public string UploadId { get; set; } = "";

    /// <summary><c>dicom</c>, <c>zip</c> or <c>attachment</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>For an attachment, the study it belongs to.</summary>
    public string? StudyInstanceUid { get; set; }

    /// <summary>The uploader's file name or relative path (display only).</summary>
    public string FileName { get; set; } = "";

    public long Length { get; set; }

    /// <summary>Receiving, Received, Stored, Duplicate, Refused or Infected.</summary>
    public string Status { get; set; } = PortalFileStatus.Receiving;

    /// <summary>Why it was refused, for the uploader.</summary>
    public string? Reason { get; set; }

    /// <summary>Per-instance outcomes once processed (a ZIP has one per entry), as JSON.</summary>
    public string? ResultsJson { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>The values of <see cref="PortalFile.Status"/>.</summary>
public static class PortalFileStatus
{
    public const string Receiving = "Receiving";
    public const string Received = "Received";
    public const string Stored = "Stored";
    public const string Duplicate = "Duplicate";
    public const string Refused = "Refused";
    public const string Infected = "Infected";
}
