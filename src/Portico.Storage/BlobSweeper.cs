using Microsoft.Extensions.Logging;

namespace Portico.Storage;

/// <summary>
/// Start-up housekeeping of a <see cref="FileBlobStore"/>: deletes temp files left by writes a crash interrupted, and
/// blobs that no index row refers to (a crash between the blob write and the index commit, or a compensation that
/// did not finish). Meant to run at start, before intake opens; the orphan grace period keeps it safe if it does not.
/// </summary>
public sealed class BlobSweeper
{
    private readonly FileBlobStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<BlobSweeper> _logger;

    public BlobSweeper(FileBlobStore store, TimeProvider timeProvider, ILogger<BlobSweeper> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Deletes files directly in the temp directory not written to for <see cref="BlobStoreOptions.TempFileMaxAge"/>.</summary>
    public Task<BlobSweepResult> DeleteStaleTempFilesAsync(CancellationToken cancellationToken) =>
        DeleteStaleTempFilesAsync(_store.Options.TempFileMaxAge, cancellationToken);

    /// <summary>
    /// Deletes files directly in the temp directory not written to for <paramref name="maxAge"/>. A write in progress
    /// keeps its file's write time fresh, so only abandoned files go. Subdirectories are left alone.
    /// </summary>
    public async Task<BlobSweepResult> DeleteStaleTempFilesAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        DateTime now = _timeProvider.GetUtcNow().UtcDateTime;
        int examined = 0, deleted = 0, kept = 0;
        long bytes = 0;
        foreach (FileInfo file in new DirectoryInfo(_store.TempDirectory).EnumerateFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            examined++;
            if (now - file.LastWriteTimeUtc <= maxAge)
            {
                kept++;
                continue;
            }

            if (TryDelete(file.FullName))
            {
                deleted++;
                bytes += file.Length;
                _logger.TempFileDeleted(file.FullName, file.Length, file.LastWriteTimeUtc);
            }

            if (deleted % 256 == 0)
            {
                await Task.Yield();
            }
        }

        _logger.TempFilesSwept(deleted, examined, maxAge, bytes);
        return new BlobSweepResult(examined, deleted, bytes, kept);
    }

    /// <summary>Deletes every blob not in <paramref name="referenced"/> (outside the grace period).</summary>
    public Task<BlobSweepResult> DeleteOrphansAsync(IReadOnlySet<BlobKey> referenced, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(referenced);
        return DeleteOrphansAsync(key => ValueTask.FromResult(referenced.Contains(key)), cancellationToken);
    }

    /// <summary>
    /// Deletes every blob for which <paramref name="isReferenced"/> answers false, unless it was written (or written
    /// again) within <see cref="BlobStoreOptions.OrphanGracePeriod"/>: such a blob may belong to an index row still
    /// being committed.
    /// </summary>
    public async Task<BlobSweepResult> DeleteOrphansAsync(Func<BlobKey, ValueTask<bool>> isReferenced, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(isReferenced);
        _store.CheckpointJournal(); // no journal record may bring back what is deleted here
        TimeSpan grace = _store.Options.OrphanGracePeriod;
        int examined = 0, deleted = 0, keptRecent = 0;
        long bytes = 0;
        await foreach (BlobEntry entry in _store.EnumerateEntriesAsync(cancellationToken).ConfigureAwait(false))
        {
            examined++;
            if (await isReferenced(entry.Key).ConfigureAwait(false))
            {
                continue;
            }

            // Look again right before deleting: a write of the same content refreshes the write time.
            var file = new FileInfo(entry.Path);
            if (!file.Exists)
            {
                continue;
            }

            if (_timeProvider.GetUtcNow().UtcDateTime - file.LastWriteTimeUtc < grace)
            {
                keptRecent++;
                continue;
            }

            if (TryDelete(entry.Path))
            {
                deleted++;
                bytes += file.Length;
                _logger.OrphanDeleted(entry.Key, file.Length);
            }
        }

        _logger.OrphansSwept(deleted, examined, bytes, keptRecent);
        return new BlobSweepResult(examined, deleted, bytes, keptRecent);
    }

    private bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.SweepDeleteFailed(path, ex);
            return false;
        }
    }
}
