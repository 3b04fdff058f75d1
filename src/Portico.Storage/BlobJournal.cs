using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Portico.Storage;

/// <summary>
/// Write-ahead journal for small blobs: a blob is made durable by appending a copy of its bytes to one preallocated
/// file and flushing that file's data (fdatasync), instead of an fsync of its own new file and of its directory. A new
/// file's fsync writes its allocation and inode as well as its data; an overwrite inside a file already written is
/// only the data. Once its record is durable the blob is renamed into place as before, not flushed; a checkpoint every
/// few milliseconds makes every renamed blob durable with one syncfs and then records, in the journal's header, that
/// the records up to then are no longer needed, so their space is reused. A blob at its address is thus always either
/// durable or backed by a durable record.
/// </summary>
/// <remarks>
/// <para>Layout: a 4 KiB header page (magic, version, a random salt, the sequence number of the last checkpointed
/// record), then records, each aligned to 4 KiB: a 64-byte header (magic, version, salt, sequence number, length,
/// SHA-256) and the blob's bytes. Records are written in a ring; a record is overwritten only once a checkpoint covers
/// it. The file grows in 4 MiB steps of zeros (flushed once), so a record never changes the file's size.</para>
/// <para>At open, every record newer than the checkpoint whose salt matches and whose bytes hash to its key is
/// restored: its blob is written again when it is missing or damaged. A record cut short by a crash fails the hash and
/// was never answered. A record older than the checkpoint is never restored, so a blob deleted after its checkpoint
/// cannot come back. Deletes and moves out of the store call <see cref="CheckpointNow"/> first for the same reason.
/// The salt keeps a record-like pattern inside a stored file's bytes from ever being taken for a record.</para>
/// </remarks>
internal sealed class BlobJournal : IDisposable
{
    /// <summary>The journal's file name in the store's root directory.</summary>
    public const string FileName = "journal";

    internal const int PageSize = 4096;
    internal const int RecordHeaderSize = 64;

    private const uint FileMagic = 0x4C4E4A50;   // "PJNL"
    private const uint RecordMagic = 0x43524A50; // "PJRC"
    private const uint FormatVersion = 1;
    private const int FileHeaderSize = 24;
    private const long GrowthStep = 4L * 1024 * 1024;
    private const int CopyBufferSize = 64 * 1024;

    /// <summary>How long <see cref="Open"/> waits for another holder of the journal's lock to let go.</summary>
    internal static readonly TimeSpan LockWait = TimeSpan.FromSeconds(3);

    private readonly object _gate = new();
    private readonly SafeFileHandle _file;
    private readonly SafeFileHandle _fileSystem;
    private readonly long _capacity;
    private readonly ulong _salt;
    private readonly TimeSpan _checkpointInterval;
    private readonly ILogger _logger;
    private readonly Queue<Extent> _pending = new();
    private readonly SemaphoreSlim _checkpointWanted = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _checkpoints;
    private long _length;
    private long _head = PageSize;
    private ulong _lastSequence;
    private ulong _placed;
    private ulong _checkpointed;
    private int _checkpointScheduled;
    private bool _failed;
    private bool _disposed;
    private int _disposeStarted;
    private long _checkpointCount;

    private BlobJournal(SafeFileHandle file, SafeFileHandle fileSystem, long capacity, ulong salt, ulong checkpointed, TimeSpan checkpointInterval, ILogger logger)
    {
        _file = file;
        _fileSystem = fileSystem;
        _capacity = capacity;
        _salt = salt;
        _checkpointed = checkpointed;
        _lastSequence = checkpointed;
        _placed = checkpointed;
        _checkpointInterval = checkpointInterval;
        _logger = logger;
        _length = RandomAccess.GetLength(file);
        _checkpoints = checkpointInterval > TimeSpan.Zero ? Task.Run(RunCheckpointsAsync) : Task.CompletedTask;
    }

    /// <summary>A restored record: its key, where its bytes are in the journal, how many.</summary>
    internal readonly record struct Record(BlobKey Key, long PayloadOffset, long Length);

    private readonly record struct Extent(ulong Sequence, long Offset, long Size);

    /// <summary>Checkpoints made so far.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpointCount);

    /// <summary>True when some appended record is not yet covered by a checkpoint.</summary>
    public bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _lastSequence != _checkpointed;
            }
        }
    }

    /// <summary>
    /// Opens the journal at <paramref name="path"/> (creating it durably when absent), hands every record newer than
    /// its checkpoint to <paramref name="restore"/>, then makes what was restored durable (syncfs) and checkpoints, so
    /// the journal starts empty.
    /// </summary>
    /// <param name="path">The journal file.</param>
    /// <param name="capacity">The most the file may grow to.</param>
    /// <param name="fileSystem">A directory handle on the store's file system, for syncfs; owned by the caller.</param>
    /// <param name="checkpointInterval">How long appended records wait for their checkpoint; zero checkpoints only when full or asked.</param>
    /// <param name="logger">Storage log.</param>
    /// <param name="restore">Writes a record's blob back when it is missing or damaged; reads its bytes with <see cref="CopyPayload"/>.</param>
    public static BlobJournal Open(string path, long capacity, SafeFileHandle fileSystem, TimeSpan checkpointInterval, ILogger logger, Action<BlobJournal, Record> restore)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(restore);
        bool existed = File.Exists(path);
        SafeFileHandle file = OpenLocked(path);

        try
        {
            if (existed && TryReadFileHeader(file, out ulong salt, out ulong checkpointed))
            {
                var journal = new BlobJournal(file, fileSystem, capacity, salt, checkpointed, checkpointInterval, logger);
                journal.Recover(restore);
                return journal;
            }

            // New (or never got past its first header write): nothing in it was ever answered.
            salt = BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
            RandomAccess.SetLength(file, 0);
            WriteFileHeader(file, salt, 0, PageSize);
            DurableFileSystem.FlushFile(file);
            DurableFileSystem.FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return new BlobJournal(file, fileSystem, capacity, salt, 0, checkpointInterval, logger);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the journal with its lock (FileShare.None is an flock): two processes writing one journal would overwrite
    /// each other's records. A lock still held is waited for up to <see cref="LockWait"/> before the store is refused: a
    /// process that has just closed the journal may still share its lock for a moment with a child it forked that has
    /// not yet started its program (the child's copy of the descriptor closes at exec), and a restarted server's
    /// predecessor may still be exiting.
    /// </summary>
    private static SafeFileHandle OpenLocked(string path)
    {
        long started = Environment.TickCount64;
        for (int wait = 10; ; wait = Math.Min(wait * 2, 200))
        {
            try
            {
                return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (File.Exists(path))
            {
                if (Environment.TickCount64 - started >= (long)LockWait.TotalMilliseconds)
                {
                    throw new IOException($"The blob store's journal {path} is in use: another Portico process has this store open.", ex);
                }
            }

            Thread.Sleep(wait);
        }
    }

    /// <summary>
    /// Appends one record per request, copying each blob's bytes from its open handle, then flushes the journal's data
    /// once for all of them. Call before the files are renamed into place, then <see cref="Placed"/> once they are: a
    /// renamed blob always has either a durable record or, after a checkpoint, durable bytes of its own. Returns how
    /// many requests (from the first) were taken; the others did not fit beside records not yet placed and must be
    /// flushed as files. <paramref name="error"/> is set, and none taken, when a write or the flush failed.
    /// </summary>
    public int Append(IReadOnlyList<CommitRequest> requests, out Exception? error)
    {
        ArgumentNullException.ThrowIfNull(requests);
        error = null;
        if (requests.Count == 0)
        {
            return 0;
        }

        int taken = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_failed)
                {
                    error = new IOException("The blob journal failed earlier; blobs are flushed one by one.");
                    return 0;
                }

                try
                {
                    foreach (CommitRequest request in requests)
                    {
                        long size = RecordSize(request.Length);
                        long at = Reserve(size);
                        if (at < 0)
                        {
                            break;
                        }

                        ulong sequence = _lastSequence + 1;
                        WriteRecord(request, at, sequence, buffer);
                        _lastSequence = sequence;
                        _pending.Enqueue(new Extent(sequence, at, size));
                        _head = at + size;
                        taken++;
                    }

                    if (taken > 0)
                    {
                        DurableFileSystem.FlushFileData(_file);
                    }
                }
                catch (IOException ex)
                {
                    // After a failed flush nothing written since the last good one can be trusted (a later flush may
                    // report success for pages the kernel has already dropped): stop using the journal.
                    Volatile.Write(ref _failed, true);
                    _logger.JournalFailed(ex);
                    error = ex;
                    return 0;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return taken;
    }

    /// <summary>
    /// Every record appended so far has its blob renamed into place: the next checkpoint may retire them (its syncfs
    /// covers those renames).
    /// </summary>
    public void Placed()
    {
        lock (_gate)
        {
            if (_placed == _lastSequence)
            {
                return;
            }

            _placed = _lastSequence;
        }

        if (Interlocked.Exchange(ref _checkpointScheduled, 1) == 0)
        {
            _checkpointWanted.Release();
        }
    }

    /// <summary>
    /// True when the journal can no longer be used (an earlier write or flush failed). Read without the lock: every
    /// commit asks, and an append holds the lock through its fdatasync.
    /// </summary>
    public bool Failed => Volatile.Read(ref _failed);

    /// <summary>
    /// Makes every blob whose record was appended durable (syncfs) and marks their records done. Called before a blob
    /// is deleted or moved out of the store, so that no record can bring it back after a crash.
    /// </summary>
    public void CheckpointNow()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                CheckpointLocked();
            }
        }
    }

    /// <summary>Copies a record's bytes to <paramref name="destination"/> (from offset 0).</summary>
    public void CopyPayload(Record record, SafeFileHandle destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            for (long done = 0; done < record.Length;)
            {
                int n = RandomAccess.Read(_file, buffer.AsSpan(0, (int)Math.Min(CopyBufferSize, record.Length - done)), record.PayloadOffset + done);
                if (n == 0)
                {
                    throw new EndOfStreamException("The journal ended inside a record.");
                }

                RandomAccess.Write(destination, buffer.AsSpan(0, n), done);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        try
        {
            _checkpoints.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                // A clean stop leaves nothing to restore.
                if (!_failed)
                {
                    CheckpointLocked();
                }
            }
            catch (IOException ex)
            {
                _logger.JournalFailed(ex);
            }

            _disposed = true;
            _file.Dispose();
        }

        _stopping.Dispose();
        _checkpointWanted.Dispose();
    }

    /// <summary>The space a record of a blob of <paramref name="length"/> bytes takes: header and bytes, in whole pages.</summary>
    internal static long RecordSize(long length) => (RecordHeaderSize + length + PageSize - 1) / PageSize * PageSize;

    /// <summary>
    /// Where the next record of <paramref name="size"/> bytes goes: after the last one, or wrapped to the start; -1 when
    /// records not yet placed fill the room (a checkpoint has retired every placed one by then).
    /// </summary>
    private long Reserve(long size)
    {
        if (size > _capacity - PageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), "A record may not be larger than the journal.");
        }

        for (int attempt = 0; ; attempt++)
        {
            if (_pending.Count == 0)
            {
                _head = PageSize;
            }

            long tail = _pending.Count > 0 ? _pending.Peek().Offset : PageSize;
            bool wrapped = _pending.Count > 0 && _head <= tail;
            if (!wrapped)
            {
                if (_head + size <= _capacity)
                {
                    EnsureLength(_head + size);
                    return _head;
                }

                if (PageSize + size <= tail)
                {
                    return PageSize;
                }
            }
            else if (_head + size <= tail)
            {
                return _head;
            }

            if (attempt > 0 || _placed == _checkpointed)
            {
                return -1;
            }

            // Full: make the blobs of the placed records in the way durable and reuse their space.
            CheckpointLocked();
        }
    }

    private void EnsureLength(long end)
    {
        if (end <= _length)
        {
            return;
        }

        long target = Math.Min(_capacity, (end + GrowthStep - 1) / GrowthStep * GrowthStep);
        byte[] zeros = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            Array.Clear(zeros);
            for (long at = _length; at < target; at += CopyBufferSize)
            {
                RandomAccess.Write(_file, zeros.AsSpan(0, (int)Math.Min(CopyBufferSize, target - at)), at);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(zeros);
        }

        // The new size and its blocks must be durable before any record in them is trusted to be.
        DurableFileSystem.FlushFile(_file);
        _length = target;
    }

    private void WriteRecord(CommitRequest request, long at, ulong sequence, byte[] buffer)
    {
        Span<byte> header = buffer.AsSpan(0, RecordHeaderSize);
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, RecordMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], _salt);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], request.Length);
        if (Convert.FromHexString(request.Key.Sha256Hex, header.Slice(32, 32), out _, out int written) != OperationStatus.Done || written != 32)
        {
            throw new InvalidOperationException("A blob key is 32 bytes.");
        }

        RandomAccess.Write(_file, header, at);
        long payload = at + RecordHeaderSize;
        for (long done = 0; done < request.Length;)
        {
            int n = RandomAccess.Read(request.Handle, buffer.AsSpan(0, (int)Math.Min(CopyBufferSize, request.Length - done)), done);
            if (n == 0)
            {
                throw new IOException($"{request.SourcePath} is shorter than {request.Length} bytes.");
            }

            RandomAccess.Write(_file, buffer.AsSpan(0, n), payload + done);
            done += n;
        }
    }

    private void CheckpointLocked()
    {
        if (_placed == _checkpointed)
        {
            return;
        }

        ulong upTo = _placed;
        DurableFileSystem.FlushFileSystem(_fileSystem);
        CommitCheckpoint(upTo);
    }

    /// <summary>Records that every record up to <paramref name="upTo"/> is done (its blob made durable). Under the lock.</summary>
    private void CommitCheckpoint(ulong upTo)
    {
        if (upTo <= _checkpointed)
        {
            return;
        }

        WriteFileHeader(_file, _salt, upTo, PageSize);
        DurableFileSystem.FlushFileData(_file);
        _checkpointed = upTo;
        while (_pending.Count > 0 && _pending.Peek().Sequence <= upTo)
        {
            _pending.Dequeue();
        }

        Interlocked.Increment(ref _checkpointCount);
    }

    private async Task RunCheckpointsAsync()
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            await _checkpointWanted.WaitAsync(stopping).ConfigureAwait(false);
            await Task.Delay(_checkpointInterval, stopping).ConfigureAwait(false);
            Volatile.Write(ref _checkpointScheduled, 0);
            try
            {
                ulong upTo;
                lock (_gate)
                {
                    if (_failed || _disposed || _placed == _checkpointed)
                    {
                        continue;
                    }

                    upTo = _placed;
                }

                // Outside the lock, so appends go on meanwhile: every record up to upTo has its blob renamed already.
                DurableFileSystem.FlushFileSystem(_fileSystem);
                lock (_gate)
                {
                    if (!_failed && !_disposed)
                    {
                        CommitCheckpoint(upTo);
                    }
                }
            }
            catch (IOException ex)
            {
                // The records stay pending: the next checkpoint (or a full ring) tries again; restores cover a crash.
                _logger.JournalCheckpointFailed(ex);
            }
        }
    }

    private void Recover(Action<BlobJournal, Record> restore)
    {
        byte[] header = new byte[RecordHeaderSize];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        int restored = 0;
        ulong newest = _checkpointed;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Span<byte> digest = stackalloc byte[32];
            for (long at = PageSize; at + RecordHeaderSize <= _length;)
            {
                if (RandomAccess.Read(_file, header, at) < RecordHeaderSize || !TryParseRecordHeader(header, out ulong sequence, out long length, out BlobKey key)
                    || sequence <= _checkpointed || length > _length - at - RecordHeaderSize)
                {
                    at += PageSize;
                    continue;
                }

                for (long done = 0; done < length;)
                {
                    int n = RandomAccess.Read(_file, buffer.AsSpan(0, (int)Math.Min(CopyBufferSize, length - done)), at + RecordHeaderSize + done);
                    hash.AppendData(buffer, 0, n);
                    done += n;
                }

                hash.GetHashAndReset(digest);
                if (!key.Equals(BlobKey.FromHash(digest)))
                {
                    at += PageSize; // cut short by a crash: never answered
                    continue;
                }

                restore(this, new Record(key, at + RecordHeaderSize, length));
                restored++;
                newest = Math.Max(newest, sequence);
                at += RecordSize(length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _logger.JournalRecovered(restored);
        // Restored blobs durable first, then the records done; the ring starts again at its beginning.
        DurableFileSystem.FlushFileSystem(_fileSystem);
        _lastSequence = newest;
        _placed = newest;
        lock (_gate)
        {
            CommitCheckpoint(newest);
        }
    }

    private bool TryParseRecordHeader(ReadOnlySpan<byte> header, out ulong sequence, out long length, out BlobKey key)
    {
        sequence = 0;
        length = 0;
        key = default;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != RecordMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != FormatVersion
            || BinaryPrimitives.ReadUInt64LittleEndian(header[8..]) != _salt)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        length = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        key = BlobKey.FromHash(header.Slice(32, 32));
        return length >= 0;
    }

    private static bool TryReadFileHeader(SafeFileHandle file, out ulong salt, out ulong checkpointed)
    {
        Span<byte> header = stackalloc byte[FileHeaderSize];
        salt = 0;
        checkpointed = 0;
        if (RandomAccess.Read(file, header, 0) < FileHeaderSize
            || BinaryPrimitives.ReadUInt32LittleEndian(header) != FileMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != FormatVersion)
        {
            return false;
        }

        salt = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        checkpointed = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        return true;
    }

    /// <summary>The header fits in the first 512-byte sector, which a disk writes whole or not at all.</summary>
    private static void WriteFileHeader(SafeFileHandle file, ulong salt, ulong checkpointed, int pageSize)
    {
        Span<byte> page = stackalloc byte[pageSize];
        page.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(page, FileMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(page[4..], FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(page[8..], salt);
        BinaryPrimitives.WriteUInt64LittleEndian(page[16..], checkpointed);
        RandomAccess.Write(file, page, 0);
    }
}
