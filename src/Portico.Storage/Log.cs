using Microsoft.Extensions.Logging;

namespace Portico.Storage;

/// <summary>
/// Storage log messages, event ids 3000-3099. Blob content is never logged; keys, lengths, counts, durations and
/// store paths (built from keys and random names) are. Next free id: 3019.
/// </summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 3000, EventName = "StoreOpened", Level = LogLevel.Information,
        Message = "Blob store at {RootDirectory}: fsync {Fsync}, group commit {Grouping}, syncfs {SyncFileSystem}")]
    public static partial void StoreOpened(this ILogger logger, string rootDirectory, bool fsync, bool grouping, bool syncFileSystem);

    [LoggerMessage(EventId = 3001, EventName = "BlobStored", Level = LogLevel.Debug,
        Message = "Stored blob {BlobKey} ({Length} bytes) in {ElapsedMs:F1} ms")]
    public static partial void BlobStored(this ILogger logger, BlobKey blobKey, long length, double elapsedMs);

    [LoggerMessage(EventId = 3002, EventName = "BlobAlreadyStored", Level = LogLevel.Debug,
        Message = "Blob {BlobKey} ({Length} bytes) was already stored; kept the stored one ({ElapsedMs:F1} ms)")]
    public static partial void BlobAlreadyStored(this ILogger logger, BlobKey blobKey, long length, double elapsedMs);

    [LoggerMessage(EventId = 3003, EventName = "BlobTooLarge", Level = LogLevel.Information,
        Message = "Refused content larger than {MaxBytes} bytes; nothing stored")]
    public static partial void BlobTooLarge(this ILogger logger, long maxBytes);

    [LoggerMessage(EventId = 3004, EventName = "WriteCancelled", Level = LogLevel.Debug,
        Message = "Blob write cancelled; temp file deleted")]
    public static partial void WriteCancelled(this ILogger logger);

    [LoggerMessage(EventId = 3005, EventName = "GroupCommitted", Level = LogLevel.Trace,
        Message = "Committed {Count} blob(s) in {ElapsedMs:F2} ms")]
    public static partial void GroupCommitted(this ILogger logger, int count, double elapsedMs);

    [LoggerMessage(EventId = 3006, EventName = "SyncFileSystemFailed", Level = LogLevel.Warning,
        Message = "syncfs failed; flushing each file of the group on its own")]
    public static partial void SyncFileSystemFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3007, EventName = "FlushFailed", Level = LogLevel.Error,
        Message = "Could not flush {Path} to stable storage; the write fails")]
    public static partial void FlushFailed(this ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3008, EventName = "TempFileNotDeleted", Level = LogLevel.Warning,
        Message = "Could not delete temp file {Path}; the temp-file sweep will")]
    public static partial void TempFileNotDeleted(this ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3009, EventName = "BlobDeleted", Level = LogLevel.Debug,
        Message = "Deleted blob {BlobKey}")]
    public static partial void BlobDeleted(this ILogger logger, BlobKey blobKey);

    [LoggerMessage(EventId = 3010, EventName = "StrayFileIgnored", Level = LogLevel.Warning,
        Message = "Ignored {Path}: not a blob at its content address")]
    public static partial void StrayFileIgnored(this ILogger logger, string path);

    [LoggerMessage(EventId = 3011, EventName = "ImportCopied", Level = LogLevel.Information,
        Message = "Import of blob {BlobKey} crosses file systems; copying instead of moving")]
    public static partial void ImportCopied(this ILogger logger, BlobKey blobKey);

    [LoggerMessage(EventId = 3012, EventName = "TempFilesSwept", Level = LogLevel.Information,
        Message = "Temp-file sweep: {Deleted} of {Examined} file(s) idle for more than {MaxAge} deleted ({Bytes} bytes)")]
    public static partial void TempFilesSwept(this ILogger logger, int deleted, int examined, TimeSpan maxAge, long bytes);

    [LoggerMessage(EventId = 3013, EventName = "OrphansSwept", Level = LogLevel.Information,
        Message = "Orphan sweep: {Deleted} unreferenced blob(s) of {Examined} deleted ({Bytes} bytes), {KeptRecent} recent one(s) kept")]
    public static partial void OrphansSwept(this ILogger logger, int deleted, int examined, long bytes, int keptRecent);

    [LoggerMessage(EventId = 3014, EventName = "OrphanDeleted", Level = LogLevel.Debug,
        Message = "Deleted unreferenced blob {BlobKey} ({Length} bytes)")]
    public static partial void OrphanDeleted(this ILogger logger, BlobKey blobKey, long length);

    [LoggerMessage(EventId = 3015, EventName = "TempFileDeleted", Level = LogLevel.Debug,
        Message = "Deleted stale temp file {Path} ({Length} bytes, last written {LastWriteUtc:O})")]
    public static partial void TempFileDeleted(this ILogger logger, string path, long length, DateTime lastWriteUtc);

    [LoggerMessage(EventId = 3016, EventName = "SweepDeleteFailed", Level = LogLevel.Warning,
        Message = "Sweep could not delete {Path}")]
    public static partial void SweepDeleteFailed(this ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3017, EventName = "BlobQuarantined", Level = LogLevel.Information,
        Message = "Moved blob {BlobKey} out of the store to {Path}")]
    public static partial void BlobQuarantined(this ILogger logger, BlobKey blobKey, string path);

    [LoggerMessage(EventId = 3018, EventName = "FanOutReady", Level = LogLevel.Debug,
        Message = "Blob fan-out flushed at open; {Directories} blob directories known durable")]
    public static partial void FanOutReady(this ILogger logger, int directories);

    [LoggerMessage(EventId = 3019, EventName = "JournalRecovered", Level = LogLevel.Information,
        Message = "Blob journal: {Records} record(s) newer than the last checkpoint checked at open")]
    public static partial void JournalRecovered(this ILogger logger, int records);

    [LoggerMessage(EventId = 3020, EventName = "JournalFailed", Level = LogLevel.Error,
        Message = "Blob journal write or flush failed; small blobs are flushed one by one from now on")]
    public static partial void JournalFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3021, EventName = "JournalCheckpointFailed", Level = LogLevel.Warning,
        Message = "Blob journal checkpoint failed; it is tried again")]
    public static partial void JournalCheckpointFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3022, EventName = "JournalBlobRestored", Level = LogLevel.Warning,
        Message = "Blob {BlobKey} was missing or damaged after a crash and was restored from the journal")]
    public static partial void JournalBlobRestored(this ILogger logger, BlobKey blobKey);
}
