namespace Portico.Storage;

/// <summary>The file-system blob store, bound to <c>Portico:Storage</c>.</summary>
public sealed class BlobStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Portico:Storage";

    /// <summary>
    /// Holds <c>blobs/</c> and <c>tmp/</c>. Default (set by <c>AddPorticoStorage</c>): <c>Portico:DataDirectory</c>
    /// (itself <c>./data</c> by default) + <c>/store</c>.
    /// </summary>
    public string RootDirectory { get; set; } = string.Empty;

    /// <summary>
    /// Flush data and directory entries to stable storage before a write reports success. Default true; turn off only
    /// for throwaway stores (tests, demos): a power loss may then lose blobs the index points to.
    /// </summary>
    public bool Fsync { get; set; } = true;

    /// <summary>
    /// How long the first write of a group waits for others to share its flush. Default 0: no waiting; the writes that
    /// arrive while a flush is running form the next group. Measured with 4 upload streams of small files, a 2 ms
    /// window made ingest about a third slower (each request paid the wait; the groups were no larger).
    /// </summary>
    public TimeSpan GroupCommitWindow { get; set; } = TimeSpan.Zero;

    /// <summary>Most writes made durable by one flush. Default 64. 1 turns grouping off (each write flushes alone).</summary>
    public int MaxGroupSize { get; set; } = 64;

    /// <summary>
    /// Blobs up to this size are made durable through the store's journal (<c>journal</c> beside <c>blobs/</c>): one
    /// append and one fdatasync of a preallocated file, instead of an fsync of the new file and of its directory; a
    /// checkpoint makes the renamed blobs durable together shortly after. Larger blobs are flushed as files (copying
    /// them would cost more than it saves: for 512 KB CT images it measured the same as flushing the files). Default
    /// 256 KiB; 0 turns the journal off. Used only with <see cref="Fsync"/>,
    /// grouping and Linux syncfs.
    /// </summary>
    public long JournalMaxBlobBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// The journal file's largest size: it grows in 4 MiB steps up to this, then its space is reused. Default 64 MiB.
    /// Must hold at least four of the largest journaled blobs.
    /// </summary>
    public long JournalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How soon after a journaled write the checkpoint runs (one syncfs for every blob written since, then the
    /// journal's header). Default 50 ms: short enough that a restart rarely has anything to check, long enough that
    /// one checkpoint covers many writes.
    /// </summary>
    public TimeSpan JournalCheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Files in <c>tmp/</c> not written to for this long are deleted by <see cref="BlobSweeper"/>. Default 24 hours,
    /// long enough for a resumable upload spooled there to be resumed after a restart.
    /// </summary>
    public TimeSpan TempFileMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// <see cref="BlobSweeper"/> keeps unreferenced blobs written (or written again) more recently than this, so that a
    /// blob whose index row is still being committed is never collected. Default 10 minutes.
    /// </summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromMinutes(10);
}
