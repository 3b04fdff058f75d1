namespace Portico.Ingest.Pipeline;

/// <summary>The outcome of one instance. <see cref="Reason"/> is stable, user-facing text and never contains patient data.</summary>
public sealed record IngestOutcome(
    IngestStatus Status,
    string? SopInstanceUid,
    string? StudyInstanceUid,
    string? Reason)
{
    /// <summary>The instance's SOP Class UID when it was stored, or found stored (STOW-RS answers with it).</summary>
    public string? SopClassUid { get; init; }

    /// <summary>The instance's Series Instance UID when it was stored, or found stored.</summary>
    public string? SeriesInstanceUid { get; init; }

    public static IngestOutcome Rejected(string reason, string? sopInstanceUid = null, string? studyInstanceUid = null) =>
        new(IngestStatus.Rejected, sopInstanceUid, studyInstanceUid, reason);

    /// <summary>Same SOP Instance UID, same content: already stored, ignored (DESIGN.md).</summary>
    /// <param name="header">The arriving instance's header (same content as the stored one).</param>
    /// <param name="studyInstanceUid">The study the stored instance is indexed under.</param>
    public static IngestOutcome Duplicate(InstanceHeader header, string studyInstanceUid) =>
        new(IngestStatus.Duplicate, header.SopInstanceUid, studyInstanceUid, "Already stored with identical content; ignored.")
        {
            SopClassUid = header.SopClassUid,
            SeriesInstanceUid = header.SeriesInstanceUid,
        };

    public static IngestOutcome Stored(InstanceHeader header) =>
        new(IngestStatus.Stored, header.SopInstanceUid, header.StudyInstanceUid, null)
        {
            SopClassUid = header.SopClassUid,
            SeriesInstanceUid = header.SeriesInstanceUid,
        };
}
