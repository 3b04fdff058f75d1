namespace Portico.Index.QueryRetrieve;

/// <summary>
/// One candidate match, flattened from the entity of the query level and its parents. Matching filters on this
/// projection, so EF translates every condition to the columns behind it; members below the level stay unset.
/// </summary>
internal sealed class QueryRow
{
    public string PatientName { get; init; } = "";

    public string PatientNameSearch { get; init; } = "";

    public string PatientId { get; init; } = "";

    public string IssuerOfPatientId { get; init; } = "";

    public DateOnly? PatientBirthDate { get; init; }

    public string PatientSex { get; init; } = "";

    public int PatientStudies { get; init; }

    public int PatientSeries { get; init; }

    public int PatientInstances { get; init; }

    public string StudyInstanceUid { get; init; } = "";

    public DateOnly? StudyDate { get; init; }

    public string StudyTime { get; init; } = "";

    public DateTime? StudyDateTime { get; init; }

    public string AccessionNumber { get; init; } = "";

    public string StudyDescription { get; init; } = "";

    public string ReferringPhysicianName { get; init; } = "";

    public string Modalities { get; init; } = "";

    public string ModalitiesSearch { get; init; } = "";

    public int StudySeries { get; init; }

    public int StudyInstances { get; init; }

    public string SeriesInstanceUid { get; init; } = "";

    public string Modality { get; init; } = "";

    public int? SeriesNumber { get; init; }

    public string SeriesDescription { get; init; } = "";

    public string BodyPartExamined { get; init; } = "";

    public int SeriesInstances { get; init; }

    public string SopInstanceUid { get; init; } = "";

    public string SopClassUid { get; init; } = "";

    public int? InstanceNumber { get; init; }
}
