namespace Portico.Dicom.Documents;

/// <summary>
/// What an Encapsulated PDF instance (PS3.3 §A.45.1) carries besides the PDF: the patient and study it belongs to
/// (copied from the target study when attaching), its new series and the document's date. Empty text means "Type 2,
/// present but empty".
/// </summary>
public sealed record EncapsulatedPdfRequest
{
    public required string StudyInstanceUid { get; init; }

    public required string SeriesInstanceUid { get; init; }

    public required string SopInstanceUid { get; init; }

    /// <summary>Patient's Name as a PN value (<c>Family^Given</c>).</summary>
    public string PatientName { get; init; } = "";

    public string PatientId { get; init; } = "";

    public string IssuerOfPatientId { get; init; } = "";

    public DateOnly? PatientBirthDate { get; init; }

    /// <summary>M, F, O or empty.</summary>
    public string PatientSex { get; init; } = "";

    public DateOnly? StudyDate { get; init; }

    /// <summary>Study Time as a TM value, or empty.</summary>
    public string StudyTime { get; init; } = "";

    public string StudyId { get; init; } = "";

    public string StudyDescription { get; init; } = "";

    public string AccessionNumber { get; init; } = "";

    public string ReferringPhysicianName { get; init; } = "";

    public int SeriesNumber { get; init; } = 1;

    public string SeriesDescription { get; init; } = "";

    public string Manufacturer { get; init; } = "";

    /// <summary>Content Date/Time and Acquisition DateTime: when the document's content was made (local time).</summary>
    public DateTime? ContentDateTime { get; init; }

    public string DocumentTitle { get; init; } = "";
}
