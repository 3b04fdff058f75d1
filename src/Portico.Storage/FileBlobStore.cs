using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Portico.Storage;

/// <summary>
/// <see cref="IBlobStore"/> on a local file system. Layout: <c>&lt;root&gt;/blobs/ab/&lt;sha256&gt;</c> for the blob whose key
/// starts with <c>ab</c>, and <c>&lt;root&gt;/tmp/</c> for files being written and spooled uploads. A store created before
/// the single-level layout keeps its <c>blobs/ab/cd/&lt;sha256&gt;</c> (<see cref="StoreLayout"/>).
/// </summary>
/// <remarks>
/// A write streams into a temp file while hashing, then a <see cref="FlushCoordinator"/> makes it durable, renames it
/// without replacing and flushes the directory. Paths are built only from validated <see cref="BlobKey"/>s.
/// </remarks>
public sealed class FileBlobStore : IBlobStore, IAsyncDisposable, IDisposable
{
    /// <summary>Size of the pooled copy and hash buffer.</summary>
    internal const int BufferSize = ContentHasher.BufferSize;

    private const string TempFileExtension = ".tmp";

    private readonly string _rootDirectory;
    private readonly string _blobsDirectory;
    private readonly string _tempDirectory;
    private readonly ILogger<FileBlobStore> _logger;
    private readonly FlushCoordinator _flusher;
    private readonly BlobJournal? _journal;
    private readonly SafeFileHandle? _journalFileSystem;

    // One bit per blob directory (the key's first two hex digits, or four in the two-level layout): set once that
    // directory and its parents are known to exist durably, so later writes flush only the directory itself.
    private readonly int[] _durableDirectories = new int[65536 / 32];

    public FileBlobStore(IOptions<BlobStoreOptions> options, ILogger<FileBlobStore> logger, TimeProvider? timeProvider = null)
        : this(options, logger, timeProvider, DurableFileSystem.IsSyncFileSystemSupported)
    {
    }

    internal FileBlobStore(IOptions<BlobStoreOptions> options, ILogger<FileBlobStore> logger, TimeProvider? timeProvider, bool useSyncFileSystem)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        BlobStoreOptions settings = options.Value;
        BlobStoreOptionsValidator.ThrowIfInvalid(settings);

        _logger = logger;
        _rootDirectory = Path.GetFullPath(settings.RootDirectory);
        _blobsDirectory = Path.Join(_rootDirectory, "blobs");
        _tempDirectory = Path.Join(_rootDirectory, "tmp");
        Options = settings;

        bool rootExisted = Directory.Exists(_rootDirectory);
        Directory.CreateDirectory(_blobsDirectory);
        Directory.CreateDirectory(_tempDirectory);
        Layout = StoreLayout.Open(_rootDirectory, _blobsDirectory, settings.Fsync);
        if (settings.Fsync)
        {
            // The entries of blobs/ and tmp/ (and of the root itself when new) must survive a power loss too.
            DurableFileSystem.FlushDirectory(_rootDirectory);
            if (!rootExisted && Path.GetDirectoryName(_rootDirectory) is { } parent)
            {
                DurableFileSystem.FlushDirectory(parent);
            }
        }

        if (settings.Fsync)
        {
            PrepareFanOut(DurableFileSystem.IsSyncFileSystemSupported && useSyncFileSystem);
        }

        (_journal, _journalFileSystem) = OpenJournal(settings, useSyncFileSystem);
        _flusher = new FlushCoordinator(
            settings.Fsync,
            settings.GroupCommitWindow,
            settings.MaxGroupSize,
            useSyncFileSystem ? _blobsDirectory : null,
            timeProvider ?? TimeProvider.System,
            logger,
            _journal);
        _logger.StoreOpened(_rootDirectory, settings.Fsync, _flusher.IsGrouping, _flusher.UsesSyncFileSystem);
    }

    /// <inheritdoc/>
    public string TempDirectory => _tempDirectory;

    /// <inheritdoc/>
    public SpoolWriter CreateSpool(string prefix, long? expectedLength = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string path = Path.Join(_tempDirectory, prefix + Guid.NewGuid().ToString("N"));
        SpoolWriter spool;
        try
        {
            spool = SpoolWriter.Create(path, SpoolDirectThreshold, SpoolReadBackBytes);
        }
        catch (DirectoryNotFoundException)
        {
            // Made at open; someone removed it since.
            Directory.CreateDirectory(_tempDirectory);
            spool = SpoolWriter.Create(path, SpoolDirectThreshold, SpoolReadBackBytes);
        }

        if (expectedLength is { } length)
        {
            spool.ExpectAtLeast(length);
        }

        return spool;
    }

    /// <summary>How much of a spooled file the store reads back from the page cache: a blob the journal takes, else nothing.</summary>
    private long SpoolReadBackBytes => _journal is null ? 0 : Options.JournalMaxBlobBytes;

    /// <summary>
    /// From which size on a spool continues with direct I/O: <see cref="SpoolWriter.DirectThreshold"/>, or past the
    /// largest blob the journal takes, which is copied into the journal from the spool's page cache.
    /// </summary>
    internal long SpoolDirectThreshold => SpoolWriter.DirectThresholdAtLeast(SpoolReadBackBytes);

    /// <summary>The store's root directory (absolute).</summary>
    public string RootDirectory => _rootDirectory;

    /// <summary>Where <see cref="QuarantineAsync"/> moves blobs: <c>&lt;root&gt;/quarantine</c>.</summary>
    public string QuarantineDirectory => Path.Join(_rootDirectory, "quarantine");

    internal BlobStoreOptions Options { get; }

    /// <summary>Whether blobs sit in one level of directories (every store created now) or two (older stores).</summary>
    internal bool IsTwoLevel => Layout.TwoLevel;

    private StoreLayout Layout { get; }

    internal FlushCoordinator Flusher => _flusher;

    /// <summary>The journal small blobs are made durable through; null when off (<see cref="BlobStoreOptions.JournalMaxBlobBytes"/>).</summary>
    internal BlobJournal? Journal => _journal;

    /// <summary>
    /// Makes every journaled blob durable and retires its record, before a blob leaves the store: a record restored
    /// after a crash must never bring back a blob deleted after its answer.
    /// </summary>
    internal void CheckpointJournal() => _journal?.CheckpointNow();

    /// <inheritdoc/>
    public async Task<BlobInfo> WriteAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        cancellationToken.ThrowIfCancellationRequested();

        long started = Stopwatch.GetTimestamp();
        string tempPath = NewTempPath();
        // Read access too: a journaled commit copies the bytes from this handle.
        SafeFileHandle handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
        bool handedOver = false;
        try
        {
            (BlobKey key, long length) = await ContentHasher.CopyAndHashAsync(content, handle, maxBytes, cancellationToken).ConfigureAwait(false);
            CommitRequest request = PrepareCommit(handle, tempPath, key, length, onStoreFileSystem: true, ownsSource: true);
            handedOver = true; // the coordinator now owns the handle and deletes the temp file if the commit fails
            CommitOutcome outcome = await CommitAsync(request, key).ConfigureAwait(false);
            LogStored(key, length, outcome, started);
            return new BlobInfo(key, length);
        }
        catch (BlobTooLargeException)
        {
            _logger.BlobTooLarge(maxBytes);
            throw;
        }
        catch (OperationCanceledException)
        {
            _logger.WriteCancelled();
            throw;
        }
        finally
        {
            if (!handedOver)
            {
                handle.Dispose();
                DeleteQuietly(tempPath, _logger);
            }
        }
    }

    /// <inheritdoc/>
    public Task<BlobInfo> ImportFileAsync(string path, CancellationToken cancellationToken) => ImportAsync(path, null, cancellationToken);

    /// <inheritdoc/>
    public Task<BlobInfo> ImportFileAsync(string path, BlobKey key, CancellationToken cancellationToken) => ImportAsync(path, key, cancellationToken);

    private async Task<BlobInfo> ImportAsync(string path, BlobKey? knownKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        cancellationToken.ThrowIfCancellationRequested();

        long started = Stopwatch.GetTimestamp();
        string fullPath = Path.GetFullPath(path);
        // fsync needs write access on Windows; Unix flushes through any descriptor.
        FileAccess access = OperatingSystem.IsWindows() ? FileAccess.ReadWrite : FileAccess.Read;
        SafeFileHandle handle = File.OpenHandle(fullPath, FileMode.Open, access, FileShare.Read, FileOptions.Asynchronous | FileOptions.SequentialScan);
        BlobKey key;
        long length;
        CommitRequest request;
        try
        {
            (key, length) = knownKey is { } known
                ? (known, RandomAccess.GetLength(handle))
                : await ContentHasher.HashFileAsync(handle, cancellationToken).ConfigureAwait(false);
            bool inTempDirectory = string.Equals(Path.GetDirectoryName(fullPath), _tempDirectory, StringComparison.Ordinal);
            request = PrepareCommit(handle, fullPath, key, length, onStoreFileSystem: inTempDirectory, ownsSource: false);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        CommitOutcome outcome;
        try
        {
            outcome = await CommitAsync(request, key).ConfigureAwait(false);
        }
        catch (CrossDeviceMoveException)
        {
            // Another file system: a rename cannot be atomic there, so copy through a temp file of our own.
            _logger.ImportCopied(key);
            BlobInfo copied;
            FileStream source = new(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (source.ConfigureAwait(false))
            {
                copied = await WriteAsync(source, long.MaxValue, cancellationToken).ConfigureAwait(false);
            }

            File.Delete(fullPath);
            return copied;
        }

        LogStored(key, length, outcome, started);
        return new BlobInfo(key, length);
    }

    /// <inheritdoc/>
    public Stream OpenRead(BlobKey key)
    {
        string path = BlobPath(key);
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (DirectoryNotFoundException ex)
        {
            // No blob with this prefix was ever stored: the same answer as a missing file.
            throw new FileNotFoundException($"Blob {key} is not stored.", path, ex);
        }
    }

    /// <inheritdoc/>
    public bool Exists(BlobKey key) => File.Exists(BlobPath(key));

    /// <inheritdoc/>
    public long? GetLength(BlobKey key)
    {
        var file = new FileInfo(BlobPath(key));
        return file.Exists ? file.Length : null;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Not flushed: a delete undone by a power loss leaves an unreferenced blob, which the next orphan sweep collects.
    /// A blob is immutable and shared by every instance with the same content; only the index may decide to delete it.
    /// </remarks>
    public Task<bool> DeleteAsync(BlobKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = BlobPath(key);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        CheckpointJournal();
        File.Delete(path);
        _logger.BlobDeleted(key);
        return Task.FromResult(true);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A rename within the store's file system to <c>&lt;root&gt;/quarantine/&lt;sha256&gt;</c> (with a numeric suffix
    /// when that name is taken). Not flushed: a move undone by a power loss leaves the blob in place, to be found again.
    /// </remarks>
    public Task<bool> QuarantineAsync(BlobKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = BlobPath(key);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        CheckpointJournal();
        Directory.CreateDirectory(QuarantineDirectory);
        string name = key.Sha256Hex;
        for (int suffix = 1; ; suffix++)
        {
            string destination = Path.Join(QuarantineDirectory, name);
            try
            {
                File.Move(path, destination, overwrite: false);
                _logger.BlobQuarantined(key, destination);
                return Task.FromResult(true);
            }
            catch (IOException) when (File.Exists(destination) && File.Exists(path))
            {
                name = key.Sha256Hex + "." + suffix.ToString(CultureInfo.InvariantCulture);
            }
            catch (FileNotFoundException)
            {
                return Task.FromResult(false); // deleted meanwhile
            }
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobInfo> EnumerateAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (BlobEntry entry in EnumerateEntriesAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new BlobInfo(entry.Key, entry.Length);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _flusher.DisposeAsync().ConfigureAwait(false);
        CloseJournal();
    }

    public void Dispose()
    {
        _flusher.Dispose();
        CloseJournal();
    }

    private void CloseJournal()
    {
        _journal?.Dispose();
        _journalFileSystem?.Dispose();
    }

    /// <summary>
    /// Opens the journal when it is on (fsync, grouping, syncfs, <see cref="BlobStoreOptions.JournalMaxBlobBytes"/>),
    /// restoring what a crash left in it. A journal left by a run that had it on is restored and removed when it is now off.
    /// </summary>
    private (BlobJournal? Journal, SafeFileHandle? FileSystem) OpenJournal(BlobStoreOptions settings, bool useSyncFileSystem)
    {
        string path = Path.Join(_rootDirectory, BlobJournal.FileName);
        bool on = settings.Fsync && settings.JournalMaxBlobBytes > 0 && settings.MaxGroupSize > 1
            && useSyncFileSystem && DurableFileSystem.IsSyncFileSystemSupported;
        if (!on && !(DurableFileSystem.IsSyncFileSystemSupported && File.Exists(path)))
        {
            return (null, null);
        }

        SafeFileHandle fileSystem = DurableFileSystem.OpenDirectory(_blobsDirectory);
        try
        {
            BlobJournal journal = BlobJournal.Open(path, settings.JournalBytes, fileSystem, settings.JournalCheckpointInterval, _logger, RestoreFromJournal);
            if (on)
            {
                return (journal, fileSystem);
            }

            journal.Dispose();
            File.Delete(path);
            DurableFileSystem.FlushDirectory(_rootDirectory);
            fileSystem.Dispose();
            return (null, null);
        }
        catch
        {
            fileSystem.Dispose();
            throw;
        }
    }

    /// <summary>Writes a journaled blob again, durably, unless the stored one is whole (its bytes hash to its key).</summary>
    private void RestoreFromJournal(BlobJournal journal, BlobJournal.Record record)
    {
        string path = BlobPath(record.Key);
        var existing = new FileInfo(path);
        if (existing.Exists && existing.Length == record.Length)
        {
            using FileStream stored = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
            if (BlobKey.FromHash(SHA256.HashData(stored)).Equals(record.Key))
            {
                return;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = NewTempPath();
        using (SafeFileHandle handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
        {
            journal.CopyPayload(record, handle);
            DurableFileSystem.FlushFile(handle);
        }

        // The journal's open makes the rename durable (syncfs) before it retires the record.
        File.Move(temp, path, overwrite: true);
        _logger.JournalBlobRestored(record.Key);
    }

    /// <summary>Every complete blob with its last write time (kept fresh by duplicate writes).</summary>
    internal async IAsyncEnumerable<BlobEntry> EnumerateEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (DirectoryInfo first in new DirectoryInfo(_blobsDirectory).EnumerateDirectories())
        {
            if (!IsHexPair(first.Name))
            {
                continue;
            }

            IEnumerable<(DirectoryInfo Directory, string Prefix)> directories = Layout.TwoLevel
                ? first.EnumerateDirectories().Where(second => IsHexPair(second.Name)).Select(second => (second, first.Name + second.Name))
                : [(first, first.Name)];
            foreach ((DirectoryInfo directory, string prefix) in directories)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Directory listing is synchronous; let the caller's other work run between directories.
                await Task.Yield();
                foreach (FileInfo file in directory.EnumerateFiles())
                {
                    if (BlobKey.TryParse(file.Name, out BlobKey key) && key.Sha256Hex.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        yield return new BlobEntry(key, file.Length, file.FullName, file.LastWriteTimeUtc);
                    }
                    else
                    {
                        _logger.StrayFileIgnored(file.FullName);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Makes the first level of the fan-out (256 directories) exist durably. In the single-level layout those are every
    /// blob directory, so no write ever creates one; in the two-level layout a new second-level directory then needs only
    /// its parent flushed, not the blobs directory as well. With syncfs, one flush at open also makes every second-level
    /// directory already there durable (what exists once syncfs returns is on disk, whatever an earlier run or crash
    /// left), and they are marked so: after a restart a write flushes only its own directory.
    /// </summary>
    private void PrepareFanOut(bool syncFileSystem)
    {
        bool created = false;
        for (int i = 0; i < 256; i++)
        {
            string first = Path.Join(_blobsDirectory, i.ToString("x2", CultureInfo.InvariantCulture));
            if (!Directory.Exists(first))
            {
                Directory.CreateDirectory(first);
                created = true;
            }
        }

        if (!Layout.TwoLevel)
        {
            // These are every blob directory: one flush of their parent (also covering any an earlier run made and did not
            // flush before it stopped), and no write needs more than its own directory's.
            DurableFileSystem.FlushDirectory(_blobsDirectory);
            for (int i = 0; i < 256; i++)
            {
                MarkDurableDirectory(i);
            }

            _logger.FanOutReady(256);
            return;
        }

        if (!syncFileSystem)
        {
            if (created)
            {
                DurableFileSystem.FlushDirectory(_blobsDirectory);
            }

            return;
        }

        using (SafeFileHandle store = DurableFileSystem.OpenDirectory(_blobsDirectory))
        {
            DurableFileSystem.FlushFileSystem(store);
        }

        int known = 0;
        for (int i = 0; i < 256; i++)
        {
            string first = Path.Join(_blobsDirectory, i.ToString("x2", CultureInfo.InvariantCulture));
            foreach (string second in Directory.EnumerateDirectories(first))
            {
                string name = Path.GetFileName(second);
                if (IsHexPair(name))
                {
                    MarkDurableDirectory((i << 8) | int.Parse(name, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    known++;
                }
            }
        }

        _logger.FanOutReady(known);
    }

    /// <summary>The blob's path. Built from the validated key only.</summary>
    internal string BlobPath(BlobKey key)
    {
        string hex = KeyText(key);
        return Path.Join(BlobDirectory(hex), hex);
    }

    /// <summary>
    /// Renames a flushed file to its content address without replacing. When the blob exists the stored one is kept,
    /// its write time refreshed (so the orphan sweep's grace period covers the new reference) and the source deleted.
    /// </summary>
    internal static CommitOutcome MoveIntoPlace(string sourcePath, string destinationPath)
    {
        for (int attempt = 0; ; attempt++)
        {
            if (DurableFileSystem.TryMoveNoReplace(sourcePath, destinationPath))
            {
                return CommitOutcome.Created;
            }

            try
            {
                File.SetLastWriteTimeUtc(destinationPath, DateTime.UtcNow);
            }
            catch (FileNotFoundException) when (attempt < 3)
            {
                continue; // deleted between the two calls: move ours in after all
            }

            File.Delete(sourcePath);
            return CommitOutcome.AlreadyStored;
        }
    }

    internal static void DeleteQuietly(string path, ILogger logger)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the temp-file sweep.
            logger.TempFileNotDeleted(path, ex);
        }
    }

    private static string KeyText(BlobKey key) =>
        key.IsDefault ? throw new ArgumentException("default(BlobKey) names no blob.", nameof(key)) : key.Sha256Hex;

    private static bool IsHexPair(string name) =>
        name.Length == 2 && char.IsAsciiHexDigitLower(name[0]) && char.IsAsciiHexDigitLower(name[1]);

    /// <summary>Creates the blob's directory when needed and describes the commit. Owns nothing yet.</summary>
    private CommitRequest PrepareCommit(SafeFileHandle handle, string sourcePath, BlobKey key, long length, bool onStoreFileSystem, bool ownsSource)
    {
        string hex = key.Sha256Hex;
        string directory = BlobDirectory(hex);
        string destination = Path.Join(directory, hex);

        string[] directoriesToFlush;
        // A stat, cheap beside the flush, so that a directory someone removed while the store runs is made again.
        if (IsDurableDirectory(DirectoryIndex(key)) && Directory.Exists(directory))
        {
            directoriesToFlush = [directory];
        }
        else
        {
            // Possibly new (or left by a crash before its parent was flushed): flush its parent's entries too. The first
            // level is made durable at open; only if someone removed one since is the blobs directory flushed as well
            // (in the single-level layout the parent is the blobs directory itself).
            string parent = Path.GetDirectoryName(directory)!;
            bool parentMissing = Options.Fsync && !Directory.Exists(parent);
            Directory.CreateDirectory(directory);
            directoriesToFlush = parentMissing ? [directory, parent, _blobsDirectory] : [directory, parent];
        }

        // BlobStoreOptionsValidator keeps JournalMaxBlobBytes to a quarter of the journal, so such a record always fits.
        if (_journal is { Failed: false } && onStoreFileSystem && length <= Options.JournalMaxBlobBytes)
        {
            // Durable through a journal record, even when the blob exists already: that one may have been renamed into
            // place a moment ago by a writer whose record is not flushed yet. Its directory becomes durable with the
            // journal's checkpoint (syncfs); the directories above are flushed only if the journal cannot take it.
            return new CommitRequest(handle, sourcePath, destination, directoriesToFlush, needsDataFlush: true, onStoreFileSystem, deleteSourceOnFailure: ownsSource, key, length, journaled: true);
        }

        return new CommitRequest(
            handle,
            sourcePath,
            destination,
            directoriesToFlush,
            needsDataFlush: !File.Exists(destination),
            onStoreFileSystem,
            deleteSourceOnFailure: ownsSource,
            key,
            length);
    }

    private async Task<CommitOutcome> CommitAsync(CommitRequest request, BlobKey key)
    {
        CommitOutcome outcome = await _flusher.CommitAsync(request).ConfigureAwait(false);
        if (!request.Journaled)
        {
            // A journaled blob's directory is durable only after the next checkpoint: a large blob written there
            // before it must still flush the directory's parent.
            MarkDurableDirectory(DirectoryIndex(key));
        }

        return outcome;
    }

    /// <summary>The blob's directory: <c>blobs/ab</c>, or <c>blobs/ab/cd</c> in the two-level layout.</summary>
    private string BlobDirectory(string hex) =>
        Layout.TwoLevel ? Path.Join(_blobsDirectory, hex.AsSpan(0, 2), hex.AsSpan(2, 2)) : Path.Join(_blobsDirectory, hex.AsSpan(0, 2));

    /// <summary>The blob's directory as a number: the key's first two hex digits, or four in the two-level layout.</summary>
    private int DirectoryIndex(BlobKey key) =>
        int.Parse(key.Sha256Hex.AsSpan(0, Layout.TwoLevel ? 4 : 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private bool IsDurableDirectory(int index) => (Volatile.Read(ref _durableDirectories[index >> 5]) & (1 << (index & 31))) != 0;

    private void MarkDurableDirectory(int index) => Interlocked.Or(ref _durableDirectories[index >> 5], 1 << (index & 31));

    private string NewTempPath() => Path.Join(_tempDirectory, Guid.NewGuid().ToString("N") + TempFileExtension);

    private void LogStored(BlobKey key, long length, CommitOutcome outcome, long started)
    {
        double elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (outcome == CommitOutcome.Created)
        {
            _logger.BlobStored(key, length, elapsed);
        }
        else
        {
            _logger.BlobAlreadyStored(key, length, elapsed);
        }
    }
}
