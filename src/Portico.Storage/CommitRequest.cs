using Microsoft.Win32.SafeHandles;

namespace Portico.Storage;

/// <summary>How a commit ended when it succeeded.</summary>
internal enum CommitOutcome
{
    /// <summary>The file was renamed to its content address.</summary>
    Created,

    /// <summary>The blob was already stored; the source file was deleted and the stored one kept.</summary>
    AlreadyStored,
}

/// <summary>One file to make durable and move into place, handed to <see cref="FlushCoordinator"/>.</summary>
internal sealed class CommitRequest
{
    private readonly TaskCompletionSource<CommitOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="handle">The open source file; the coordinator flushes it and then disposes it.</param>
    /// <param name="sourcePath">The file to move.</param>
    /// <param name="destinationPath">Its content address.</param>
    /// <param name="directoriesToFlush">Directories whose entries must be durable before success (the destination's
    /// directory, and its parents when they may be new).</param>
    /// <param name="needsDataFlush">False when the blob is known to exist already, so the data need not be flushed.</param>
    /// <param name="onStoreFileSystem">The source is on the store's file system, so one syncfs covers it.</param>
    /// <param name="deleteSourceOnFailure">The source is the store's own temp file (not a caller's file).</param>
    /// <param name="key">The blob's key.</param>
    /// <param name="length">The blob's length in bytes.</param>
    /// <param name="journaled">Made durable by a <see cref="BlobJournal"/> record instead of its own flushes.</param>
    public CommitRequest(
        SafeFileHandle handle,
        string sourcePath,
        string destinationPath,
        string[] directoriesToFlush,
        bool needsDataFlush,
        bool onStoreFileSystem,
        bool deleteSourceOnFailure,
        BlobKey key = default,
        long length = 0,
        bool journaled = false)
    {
        Key = key;
        Length = length;
        Journaled = journaled;
        Handle = handle;
        SourcePath = sourcePath;
        DestinationPath = destinationPath;
        DirectoriesToFlush = directoriesToFlush;
        NeedsDataFlush = needsDataFlush;
        OnStoreFileSystem = onStoreFileSystem;
        DeleteSourceOnFailure = deleteSourceOnFailure;
    }

    public SafeFileHandle Handle { get; }

    public string SourcePath { get; }

    public string DestinationPath { get; }

    public string[] DirectoriesToFlush { get; }

    public bool NeedsDataFlush { get; }

    public bool OnStoreFileSystem { get; }

    public bool DeleteSourceOnFailure { get; }

    public BlobKey Key { get; }

    public long Length { get; }

    /// <summary>
    /// Durable through the journal: a record of its bytes appended and the journal flushed, then renamed into place;
    /// neither the file nor its directory is flushed (the journal's next checkpoint does that with one syncfs).
    /// </summary>
    public bool Journaled { get; }

    /// <summary>Set while the batch runs.</summary>
    public CommitOutcome Outcome { get; set; }

    /// <summary>Set while the batch runs when this request failed.</summary>
    public Exception? Error { get; set; }

    public Task<CommitOutcome> Completion => _completion.Task;

    public void Complete()
    {
        if (Error is null)
        {
            _completion.TrySetResult(Outcome);
        }
        else
        {
            _completion.TrySetException(Error);
        }
    }
}
