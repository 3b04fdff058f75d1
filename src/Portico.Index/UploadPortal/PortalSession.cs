namespace Portico.Index.UploadPortal;

/// <summary>
/// One Upload Portal session, opened with an upload code: who uploaded (contact details the uploader gave), what
/// (per study: comment, file counts and the original → new identifiers) and how far it got. The upload record shown on
/// the study page. The original Patient ID and Accession Number are kept here only, never in the stored files.
/// </summary>
public sealed class PortalSession
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public UploadCodeId UploadCodeId { get; set; }

    /// <summary>The last four characters of the code (for "Uploaded with upload code …ABCD"); never the whole code.</summary>
    public string CodeHint { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>The cookie's end: after it the session can no longer be used.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>When the uploader pressed finish (the upload time shown on the study page).</summary>
    public DateTime? FinishedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    public PortalSessionState State { get; set; } = PortalSessionState.Open;

    /// <summary>The uploader's optional personal e-mail address.</summary>
    public string? Email { get; set; }

    /// <summary>The uploader's optional mobile number.</summary>
    public string? Phone { get; set; }

    /// <summary>The address the session was opened from.</summary>
    public string? RemoteAddress { get; set; }

    /// <summary>Total bytes the manifest announced.</summary>
    public long DeclaredBytes { get; set; }

    /// <summary>DICOM files (and ZIP archives) received.</summary>
    public int DicomFiles { get; set; }

    /// <summary>Non-DICOM files (attachments) received.</summary>
    public int NonDicomFiles { get; set; }

    /// <summary>For the uploader: why the session waits, or how it ended.</summary>
    public string? Message { get; set; }

    public List<PortalStudy> Studies { get; } = [];

    public List<PortalPatient> Patients { get; } = [];
}
