namespace Portico.Storage;

/// <summary>
/// Content-addressed, immutable blobs. A blob is either complete under its key or absent: writes go to a temp file,
/// are flushed to stable storage, then renamed atomically into place (DESIGN.md, "Nothing is lost, nothing is
/// half-stored"). Content is streamed, never held in memory.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Streams <paramref name="content"/> to a temp file while computing its SHA-256, makes it durable and renames it
    /// to its content address. If that blob already exists, the temp file is deleted and the stored one kept (same
    /// content). Returns only once the blob and its directory entry are on stable storage.
    /// </summary>
    /// <param name="content">Read to its end; not disposed.</param>
    /// <param name="maxBytes">Once more than this many bytes arrive the write stops with
    /// <see cref="BlobTooLargeException"/> and the temp file is deleted.</param>
    /// <param name="cancellationToken">Honoured while content is read; a cancelled write leaves no temp file.</param>
    Task<BlobInfo> WriteAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a file already on disk (a spooled upload, best in <see cref="TempDirectory"/>): hashes it, makes it
    /// durable and moves it into place. On success the file is consumed (moved, or deleted when the blob already
    /// existed); on failure it is left where it was.
    /// </summary>
    Task<BlobInfo> ImportFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ImportFileAsync(string, CancellationToken)"/> for a file whose SHA-256 the caller computed while
    /// writing it (one pass over the bytes instead of two). <paramref name="key"/> must be that hash.
    /// </summary>
    Task<BlobInfo> ImportFileAsync(string path, BlobKey key, CancellationToken cancellationToken);

    /// <summary>Opens a blob for reading (asynchronous, sequential). Throws <see cref="FileNotFoundException"/> when absent.</summary>
    Stream OpenRead(BlobKey key);

    /// <summary>True when the complete blob is stored.</summary>
    bool Exists(BlobKey key);

    /// <summary>The blob's length in bytes, or null when it is not stored.</summary>
    long? GetLength(BlobKey key);

    /// <summary>Deletes a blob; false when it was not stored.</summary>
    Task<bool> DeleteAsync(BlobKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a blob out of the store into its quarantine area (<c>quarantine/</c> beside <c>blobs/</c> for the file
    /// store), where an operator can inspect it: it is no longer enumerated nor readable by key. Used for blobs that are
    /// not valid DICOM or whose bytes no longer match their key. False when the blob was not stored.
    /// </summary>
    Task<bool> QuarantineAsync(BlobKey key, CancellationToken cancellationToken);

    /// <summary>Every complete blob (never temp files), in no particular order.</summary>
    IAsyncEnumerable<BlobInfo> EnumerateAsync(CancellationToken cancellationToken);

    /// <summary>A directory on the same file system as the blobs, for spooling uploads before <see cref="ImportFileAsync"/>.</summary>
    string TempDirectory { get; }

    /// <summary>
    /// Creates a new file in <see cref="TempDirectory"/> (<paramref name="prefix"/> and a new GUID; the directory is made
    /// again if someone removed it) to spool an arriving file into before
    /// <see cref="ImportFileAsync(string, BlobKey, CancellationToken)"/>. As much of its start stays in the page cache as
    /// the store reads back (a blob small enough for the file store's journal is copied from it); past that, the file
    /// goes to disk with direct I/O where the file system allows it. <paramref name="expectedLength"/>, when the file's
    /// size is known before it arrives (an HTTP body's Content-Length): a file the store will not read back keeps only
    /// <see cref="SpoolWriter.DirectThreshold"/> in the page cache.
    /// </summary>
    SpoolWriter CreateSpool(string prefix, long? expectedLength = null);
}
