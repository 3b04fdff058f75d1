namespace Portico.Ingest.Pipeline;

/// <summary>What happened to one instance (after Orthanc's StoreStatus). Every source maps it to its own wire.</summary>
public enum IngestStatus
{
    /// <summary>Stored and durable (blob flushed, index committed).</summary>
    Stored,
    /// <summary>Same SOP Instance UID and same content already stored: ignored.</summary>
    Duplicate,
    /// <summary>Same SOP Instance UID, different content: handled by <see cref="ConflictPolicy"/>.</summary>
    Conflict,
    /// <summary>Refused; <see cref="IngestOutcome.Reason"/> says why in words a person understands.</summary>
    Rejected,
}
