namespace Portico.Ingest.Pipeline;

/// <summary>The outcome of one instance. <see cref="Reason"/> is stable, user-facing text and never contains patient data.</summary>
public sealed record IngestOutcome(
    IngestStatus Status,
    string? SopInstanceUid,
    string? StudyInstanceUid,
    string? Reason)
{
    public static IngestOutcome Rejected(string reason, string? sopInstanceUid = null, string? studyInstanceUid = null) =>
        new(IngestStatus.Rejected, sopInstanceUid, studyInstanceUid, reason);
}
