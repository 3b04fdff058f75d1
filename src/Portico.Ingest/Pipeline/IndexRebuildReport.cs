using System.Text.Json.Serialization;

namespace Portico.Ingest.Pipeline;

/// <summary>What <see cref="IndexMaintenance.RebuildAsync"/> did. Counts and UIDs only, never patient data.</summary>
public sealed record IndexRebuildReport
{
    public required bool FromScratch { get; init; }

    /// <summary>Whether every referenced blob was hashed (<see cref="IndexRebuildOptions.VerifyHashes"/>).</summary>
    public required bool HashesVerified { get; init; }

    /// <summary>From scratch: instance rows wiped before indexing the blobs again.</summary>
    public int InstancesCleared { get; init; }

    /// <summary>From scratch: study rows wiped before indexing the blobs again.</summary>
    public int StudiesCleared { get; init; }

    /// <summary>Instance rows removed because their blob is missing.</summary>
    public int RowsRemovedMissingBlob { get; init; }

    /// <summary>Instance rows removed because their blob's SHA-256 is not its key (the blob is then set aside).</summary>
    public int RowsRemovedCorruptBlob { get; init; }

    /// <summary>Instance rows whose size was wrong while their blob was intact; the size was corrected.</summary>
    public int SizesCorrected { get; init; }

    /// <summary>Blobs no row pointed to, and what became of them.</summary>
    public required UnreferencedBlobsResult Blobs { get; init; }

    public int SeriesTotalsCorrected { get; init; }

    public int StudyTotalsCorrected { get; init; }

    public int EmptySeriesRemoved { get; init; }

    public int EmptyStudiesRemoved { get; init; }

    public int PatientsRemoved { get; init; }

    /// <summary>The first few instances removed from the index, as problems (SOP Instance UIDs). Not in the audit entry.</summary>
    [JsonIgnore]
    public IReadOnlyList<IndexProblem> RemovedExamples { get; init; } = [];
}
