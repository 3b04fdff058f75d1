namespace Portico.Index.Audit;

/// <summary>What kind of actor an <see cref="AuditEntry"/> names. Stored by name.</summary>
public enum ActorKind
{
    User = 0,
    ApiKey = 1,
    DicomIdentity = 2,
    UploadCode = 3,

    /// <summary>Portico itself (start-up, sweeps, scheduled work).</summary>
    System = 4,
}
