using Portico.Ingest.Pipeline;

namespace Portico.Ingest;

/// <summary>Ingest settings, bound to <c>Portico:Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Portico:Ingest";

    /// <summary>Same UID, different content. Default: keep the stored instance (DESIGN.md).</summary>
    public ConflictPolicy OnConflict { get; set; } = ConflictPolicy.KeepExisting;

    /// <summary>Largest DICOM file accepted, in bytes. Default 2 GB (the product's documented limit).</summary>
    public long MaxFileBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// How long the index committer waits to gather concurrent instances into one transaction. Default 0: the
    /// instances that queue while a transaction commits form the next one, which groups as well under load without
    /// adding a wait to every upload (measured: a 2 ms window cost about a third of small-file throughput).
    /// </summary>
    public TimeSpan CommitWindow { get; set; } = TimeSpan.Zero;

    /// <summary>Most instances committed in one transaction. Default 128.</summary>
    public int MaxCommitBatch { get; set; } = 128;

    /// <summary>
    /// Whether a DICOM C-STORE and an upload to <c>POST /api/instances</c> are answered only after the index row has
    /// committed. Default false: they are answered once the file is durable (flushed and atomically renamed into the
    /// blob store) and its outcome is decided (Stored, Duplicate, Conflict); the row follows within milliseconds, in the
    /// committer's next transaction. The blobs are the source of truth: after a crash in between, start-up recovery
    /// indexes the file. Queries still see every answered instance: C-FIND, C-GET, C-MOVE and HTTP requests first wait
    /// for the rows of answered instances (<c>IndexCommitter.WhenCommittedAsync</c>).
    /// </summary>
    public bool AnswerAfterIndexCommit { get; set; }

    /// <summary>
    /// Answered instances whose index rows may be waiting at once; beyond it answers wait for the commit again
    /// (back-pressure when the index is slower than the network). Default 1000.
    /// </summary>
    public int MaxUncommitted { get; set; } = 1000;

    /// <summary>
    /// How long the index committer gathers rows nobody is waiting for (instances answered before their commit) into
    /// one transaction. Default 20 ms: the index follows a C-STORE by at most about this much, and a busy association
    /// costs one transaction per batch instead of one per instance.
    /// </summary>
    public TimeSpan BackgroundCommitWindow { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// On SQLite, whether the index committer writes the common batch (new instances, identical duplicates, no study
    /// labels) with its own prepared statements instead of EF Core's change tracker (<c>SqliteIngestWriter</c>); the
    /// rows are the same. Default true. False sends every batch through EF Core, as before 2026-12.
    /// </summary>
    public bool DirectSqliteIndexWrites { get; set; } = true;
}
