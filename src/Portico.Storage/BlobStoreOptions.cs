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
