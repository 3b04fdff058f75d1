namespace Portico.Index.UploadPortal;

/// <summary>One study of a portal session: the uploader's comment, file counts, and its Accession Number before and after.</summary>
public sealed class PortalStudy
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SessionId { get; set; }

    public string StudyInstanceUid { get; set; } = "";

    /// <summary>The uploader's comment for this study, optional.</summary>
    public string? Comment { get; set; }

    /// <summary>DICOM files of this study the manifest announced.</summary>
    public int DicomFiles { get; set; }

    /// <summary>Non-DICOM files linked to this study.</summary>
    public int NonDicomFiles { get; set; }

    /// <summary>Patient ID as it arrived (shown only with <c>Studies.ChangePatientIdentity</c>); null until the first instance.</summary>
    public string? OriginalPatientId { get; set; }

    public string? NewPatientId { get; set; }

    /// <summary>Accession Number as it arrived; null until the first instance.</summary>
    public string? OriginalAccessionNumber { get; set; }

    /// <summary>The Accession Number written into the stored files; unique.</summary>
    public string? NewAccessionNumber { get; set; }
}
