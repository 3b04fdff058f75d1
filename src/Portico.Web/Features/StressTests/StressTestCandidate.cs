namespace Portico.Web.Features.StressTests;

/// <summary>A study the stress test may belong to (FORMATS.md §4.3), with why it qualified.</summary>
public sealed record StressTestCandidate
{
    public required string StudyInstanceUid { get; init; }

    public DateOnly? StudyDate { get; init; }

    public string StudyTime { get; init; } = "";

    public string Description { get; init; } = "";

    public string Modalities { get; init; } = "";

    public string PatientName { get; init; } = "";

    public string PatientId { get; init; } = "";

    public DateOnly? PatientBirthDate { get; init; }

    public string PatientSex { get; init; } = "";

    public IdentityMatch Identity { get; init; }

    /// <summary>Which stress-echo evidence matched (e.g. <c>Number of Stages</c>, <c>Study Description</c>).</summary>
    public string Evidence { get; init; } = "";

    /// <summary>Hours between the test start and the study's date and time (absolute).</summary>
    public double? HoursApart { get; init; }

    /// <summary>A candidate from a study's attributes and its patient as the index has them.</summary>
    public static StressTestCandidate Of(string studyInstanceUid, DateOnly? studyDate, string studyTime, string description, string modalities, DicomPatient patient, IdentityMatch identity, double? hoursApart, string evidence = "")
    {
        ArgumentNullException.ThrowIfNull(patient);
        return new StressTestCandidate
        {
            StudyInstanceUid = studyInstanceUid,
            StudyDate = studyDate,
            StudyTime = studyTime,
            Description = description,
            Modalities = modalities,
            PatientName = patient.PatientName,
            PatientId = patient.PatientId,
            PatientBirthDate = patient.BirthDate,
            PatientSex = patient.Sex,
            Identity = identity,
            Evidence = evidence,
            HoursApart = hoursApart,
        };
    }
}
