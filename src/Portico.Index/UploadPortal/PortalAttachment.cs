namespace Portico.Index.UploadPortal;

/// <summary>
/// A non-DICOM file (PDF, JPEG or PNG) that came with a study through the Upload Portal, kept as a blob under its
/// SHA-256 and shown in the browser from the study page.
/// </summary>
public sealed class PortalAttachment
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SessionId { get; set; }

    public string StudyInstanceUid { get; set; } = "";

    /// <summary>The uploader's file name (display only).</summary>
    public string FileName { get; set; } = "";

    /// <summary>application/pdf, image/jpeg or image/png, from the file's first bytes.</summary>
    public string ContentType { get; set; } = "";

    /// <summary>Key of the bytes in the blob store (their SHA-256).</summary>
    public string BlobKey { get; set; } = "";

    public long SizeBytes { get; set; }

    public DateTime CreatedAt { get; set; }
}
