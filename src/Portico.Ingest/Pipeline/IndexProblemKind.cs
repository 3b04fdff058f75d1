namespace Portico.Ingest.Pipeline;

/// <summary>What <see cref="IndexMaintenance.VerifyAsync"/> can find wrong between the index and the blob store.</summary>
public enum IndexProblemKind
{
    /// <summary>An instance row whose blob is not in the store (or whose blob key is malformed).</summary>
    MissingBlob,

    /// <summary>An instance row whose size differs from its blob's length.</summary>
    LengthMismatch,

    /// <summary>A blob whose SHA-256 is not its key: its bytes changed after it was stored. Only found when hashing.</summary>
    HashMismatch,

    /// <summary>A blob no instance row points to.</summary>
    UnreferencedBlob,

    /// <summary>A series whose instance count differs from its instance rows.</summary>
    SeriesTotalsMismatch,

    /// <summary>A study whose series count, instance count, size or modality list differs from its series and instances.</summary>
    StudyTotalsMismatch,

    /// <summary>A series without instances.</summary>
    EmptySeries,

    /// <summary>A study without instances.</summary>
    EmptyStudy,

    /// <summary>A patient row without studies.</summary>
    PatientWithoutStudies,
}
