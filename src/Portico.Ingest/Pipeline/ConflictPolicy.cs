namespace Portico.Ingest.Pipeline;

/// <summary>What to do when an instance arrives with a stored SOP Instance UID but different content.</summary>
public enum ConflictPolicy
{
    /// <summary>Keep the stored instance and report <see cref="IngestStatus.Conflict"/> (default).</summary>
    KeepExisting,
    /// <summary>Replace the stored instance with the new one; still reported as <see cref="IngestStatus.Conflict"/>.</summary>
    Overwrite,
}
