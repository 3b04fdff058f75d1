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

    /// <summary>Same SOP Instance UID, same content: already stored, ignored (DESIGN.md).</summary>
    public static IngestOutcome Duplicate(string sopInstanceUid, string studyInstanceUid) =>
        new(IngestStatus.Duplicate, sopInstanceUid, studyInstanceUid, "Already stored with identical content; ignored.");
}
