namespace Portico.Ingest.Pipeline;

/// <summary>What <see cref="IndexMaintenance.VerifyAsync"/> found. Holds counts and UIDs only, never patient data.</summary>
/// <param name="Instances">Instance rows checked.</param>
/// <param name="Blobs">Blobs in the store.</param>
/// <param name="HashesVerified">Whether every referenced blob was read and its SHA-256 compared with its key.</param>
/// <param name="Counts">Problems found, by kind (kinds with none are absent).</param>
/// <param name="Examples">The first few problems of each kind.</param>
public sealed record IndexVerifyReport(
    int Instances,
    int Blobs,
    bool HashesVerified,
    IReadOnlyDictionary<IndexProblemKind, int> Counts,
    IReadOnlyList<IndexProblem> Examples)
{
    /// <summary>Problems of every kind.</summary>
    public int ProblemCount => Counts.Values.Sum();

    /// <summary>True when nothing is wrong.</summary>
    public bool IsConsistent => ProblemCount == 0;

    /// <summary>Problems of one kind.</summary>
    public int Count(IndexProblemKind kind) => Counts.GetValueOrDefault(kind);
}
