using Portico.Index.Studies;

namespace Portico.Index.StudyList;

/// <summary>
/// One row of the Study List. It carries patient data, so <see cref="ToString"/> prints only the ids:
/// a row that ends up in a log names no patient.
/// </summary>
public sealed record StudyListRow
{
    public required StudyId Id { get; init; }

    public required string StudyInstanceUid { get; init; }

    public required PatientRecordId PatientRecordId { get; init; }

    public required string PatientName { get; init; }

    public required string PatientId { get; init; }

    public required string IssuerOfPatientId { get; init; }

    public required DateOnly? PatientBirthDate { get; init; }

    public required string PatientSex { get; init; }

    public required DateOnly? StudyDate { get; init; }

    public required string StudyTime { get; init; }

    public required DateTime? StudyDateTime { get; init; }

    public required string Description { get; init; }

    public required string AccessionNumber { get; init; }

    public required string ReferringPhysicianName { get; init; }

    public required string Modalities { get; init; }

    public required int NumberOfSeries { get; init; }

    public required int NumberOfInstances { get; init; }

    public required long SizeBytes { get; init; }

    public required WorkflowStatus WorkflowStatus { get; init; }

    public required DateTime ReceivedAt { get; init; }

    public required DateTime LastReceivedAt { get; init; }

    public required IngestSourceKind SourceKind { get; init; }

    public required string? SourceName { get; init; }

    /// <summary>Label names, sorted.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    public override string ToString() => $"StudyListRow {{ Id = {Id}, StudyInstanceUid = {StudyInstanceUid} }}";
}
