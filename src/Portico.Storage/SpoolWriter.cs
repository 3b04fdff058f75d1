using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Portico.Storage;

/// <summary>
/// Writes a file that arrives in pieces (a C-STORE data set, an uploaded file) to the store's temp directory, hashing
/// it (SHA-256) on the way. The first <see cref="DirectThreshold"/> bytes go through the page cache, as any write. A
/// larger file continues with direct I/O (Linux O_DIRECT): whole aligned chunks are written straight from a reused
/// buffer by a background write while the next chunk fills. A large file then costs no copy into the page cache (on
/// the virtual machines measured, that copy limited ingest to a third of the disk's speed) and its disk writes overlap
/// its arrival. Where direct I/O is refused (tmpfs, some network file systems, other systems) the rest is written
/// through the page cache as well. Durability is not this class's business: the blob store flushes the file.
/// </summary>
public sealed partial class SpoolWriter : IAsyncDisposable
{
    /// <summary>
    /// Files up to this size are written through the page cache only, and so is the start of a larger one (where its
    /// header is read back from). 64 KiB: a header fits; the blob store raises it to what its journal copies back
    /// (<see cref="DirectThresholdAtLeast"/>), so a CT image (512 KB) has about half its pixel data written directly. On
    /// the virtual machines measured, a page cache page first written can cost the host a fault, and the copy of a CT
    /// image then took as much CPU as everything else.
    /// </summary>
    public const long DirectThreshold = 64 * 1024;

    /// <summary>One direct write: 2 MiB. Two such buffers per large file in flight.</summary>
    public const int ChunkSize = 2 * 1024 * 1024;

    /// <summary>Offsets, lengths and buffer addresses of direct I/O are multiples of this (the largest logical block size).</summary>
    private const int Alignment = 4096;

    /// <summary>What <see cref="ReadFromAsync"/> reads the page-cache start of a file into: 64 KiB, a network read's most.</summary>
    private const int StagingSize = 64 * 1024;

    /// <summary>Buffers kept for reuse: touching fresh memory is what direct I/O is here to avoid.</summary>
    private const int MaxPooledBuffers = 16;

    private static readonly ConcurrentBag<AlignedBuffer> s_pool = [];

    private readonly SafeFileHandle _handle;
    private long _directThreshold;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;
    private long _writeBackStarted;
    private bool _direct;
    private bool _directRefused;
    private AlignedBuffer? _filling;
    private AlignedBuffer? _spare;
    private int _fill;
    private Task? _pending;
    private long _directOffset;
    private int _flagsBeforeDirect;
    private bool _closed;

    private SpoolWriter(SafeFileHandle handle, long directThreshold)
    {
        _handle = handle;
        _directThreshold = directThreshold;
    }

    /// <summary>The file written to.</summary>
    public required string Path { get; init; }

    /// <summary>Bytes written so far.</summary>
    public long Length => _length;

    /// <summary>From which size on the file continues with direct I/O (<see cref="Create"/>, <see cref="ExpectAtLeast"/>).</summary>
    public long DirectFrom => _directThreshold;

    /// <summary>
    /// The most of a file the store reads back from the page cache after it is complete (the blob store's journal
    /// copies a blob this small): a file known to be larger needs no more than <see cref="DirectThreshold"/> there.
    /// </summary>
    internal long ReadBackBytes { get; init; }

    /// <summary>True once part of the file went to disk with direct I/O.</summary>
    public bool UsedDirectIo { get; private set; }

    /// <summary>
    /// A threshold for <see cref="Create"/> that keeps at least the first <paramref name="bytes"/> in the page cache:
    /// the larger of <see cref="DirectThreshold"/> and <paramref name="bytes"/> rounded up to a whole 4 KiB block.
    /// </summary>
    public static long DirectThresholdAtLeast(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return Math.Max(DirectThreshold, (bytes + Alignment - 1) / Alignment * Alignment);
    }

    /// <summary>
    /// Creates <paramref name="path"/> (it must not exist; its directory must). <paramref name="directThreshold"/>: from
    /// which size on direct I/O is tried (a multiple of 4 KiB; <see cref="long.MaxValue"/> never).
    /// </summary>
    public static SpoolWriter Create(string path, long directThreshold = DirectThreshold) => Create(path, directThreshold, readBackBytes: 0);

    /// <summary><see cref="Create(string, long)"/>, for a store that reads back files up to <paramref name="readBackBytes"/> (<see cref="ReadBackBytes"/>).</summary>
    internal static SpoolWriter Create(string path, long directThreshold, long readBackBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (directThreshold <= 0 || directThreshold % Alignment != 0 && directThreshold != long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(directThreshold), "Must be a positive multiple of 4096.");
        }

        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        return new SpoolWriter(handle, directThreshold) { Path = path, ReadBackBytes = readBackBytes };
    }

    /// <summary>
    /// The file will be at least <paramref name="bytes"/> long (its sender announced its size, or its header says where
    /// its pixel data ends). When that is more than the store reads back, direct I/O starts at
    /// <see cref="DirectThreshold"/>, or at the next 4 KiB block when more is written already: a CT image's pixel data
    /// then does not pass through the page cache.
    /// </summary>
    public void ExpectAtLeast(long bytes)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_direct || _directRefused || bytes <= ReadBackBytes || _directThreshold == long.MaxValue)
        {
            return;
        }

        _directThreshold = Math.Min(_directThreshold, DirectThresholdAtLeast(_length));
    }

    /// <summary>Appends <paramref name="data"/>; waits only when both direct buffers are still being written.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (!_direct)
        {
            int buffered = _directRefused ? data.Length : (int)Math.Min(data.Length, _directThreshold - _length);
            if (buffered > 0)
            {
                WriteBuffered(data.Span[..buffered]);
                data = data[buffered..];
            }

            if (data.IsEmpty)
            {
                return;
            }

            if (!StartDirectOrRefuse())
            {
                WriteBuffered(data.Span);
                return;
            }
        }

        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, ChunkSize - _fill);
            data.Span[..n].CopyTo(_filling!.Memory.Span[_fill..]);
            data = data[n..];
            await AddedToChunkAsync(n, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Appends everything <paramref name="source"/> gives until its end, read straight into the buffers the file is
    /// written from: past the page-cache start, into the aligned direct-I/O chunk itself, so an upload's bytes are copied
    /// once between the network and the disk instead of twice. False, with the rest unread, once more than
    /// <paramref name="maxBytes"/> arrive.
    /// </summary>
    public async ValueTask<bool> ReadFromAsync(Stream source, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_closed, this);
        byte[] staging = ArrayPool<byte>.Shared.Rent(StagingSize);
        long total = 0;
        try
        {
            while (true)
            {
                bool direct = _direct || (!_directRefused && _length >= _directThreshold && StartDirectOrRefuse());
                Memory<byte> target = direct
                    ? _filling!.Memory[_fill..]
                    : staging.AsMemory(0, (int)Math.Min(StagingSize, _directRefused ? StagingSize : _directThreshold - _length));
                // The page-cache start is filled before it is written (a few KiB per network read would be a write
                // each); a direct chunk only when whole.
                int n = direct
                    ? await source.ReadAsync(target, cancellationToken).ConfigureAwait(false)
                    : await source.ReadAtLeastAsync(target, target.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return true;
                }

                total += n;
                if (total > maxBytes)
                {
                    return false;
                }

                if (!direct)
                {
                    WriteBuffered(staging.AsSpan(0, n));
                    continue;
                }

                await AddedToChunkAsync(n, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(staging);
        }
    }

    /// <summary>
    /// Appends <paramref name="data"/> from a synchronous caller: for the start of a file (a header), which is always
    /// written through the page cache.
    /// </summary>
    /// <exception cref="InvalidOperationException">The data would reach past <see cref="DirectThreshold"/>.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_direct || !_directRefused && _length + data.Length > _directThreshold)
        {
            throw new InvalidOperationException("Only the start of a file is written synchronously; use WriteAsync.");
        }

        WriteBuffered(data);
    }

    /// <summary>
    /// Writes what is left, closes the file and gives the SHA-256 of everything written. The file stays; the caller
    /// hands it to the blob store or deletes it.
    /// </summary>
    public async ValueTask<BlobKey> CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        try
        {
            if (_direct)
            {
                await WaitPendingAsync().ConfigureAwait(false);
                if (_fill > 0)
                {
                    WriteTail();
                }
            }

            return BlobKey.FromHash(_hash.GetHashAndReset());
        }
        finally
        {
            Close();
        }
    }

    /// <summary>
    /// The whole blocks of the last chunk go straight to disk, and the part block after them through the page cache, so
    /// the file ends where its content does. Writing that block padded and cutting the file back made ext4 read the
    /// block back from disk (to zero what lies past the new end) while the sender waited for its answer.
    /// </summary>
    private void WriteTail()
    {
        ReadOnlySpan<byte> tail = _filling!.Memory.Span[.._fill];
        _hash.AppendData(tail);
        int whole = _fill / Alignment * Alignment;
        if (whole > 0)
        {
            RandomAccess.Write(_handle, tail[..whole], _directOffset);
            _directOffset += whole;
        }

        if (whole < _fill)
        {
            if (DirectIo.TryDisable(_handle, _flagsBeforeDirect))
            {
                RandomAccess.Write(_handle, tail[whole..], _directOffset);
            }
            else
            {
                int padded = (_fill - whole + Alignment - 1) / Alignment * Alignment;
                _filling.Memory.Span[_fill..(whole + padded)].Clear();
                RandomAccess.Write(_handle, _filling.Memory.Span[whole..(whole + padded)], _directOffset);
                RandomAccess.SetLength(_handle, _length);
            }
        }

        _fill = 0;
    }

    /// <summary>Closes the file without completing it (the caller deletes it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        try
        {
            await WaitPendingAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The file is being abandoned; its write error no longer matters.
        }

        Close();
    }

    private void WriteBuffered(ReadOnlySpan<byte> data)
    {
        RandomAccess.Write(_handle, data, _length);
        _hash.AppendData(data);
        _length += data.Length;
        if (_length - _writeBackStarted >= EarlyWriteBack.Chunk)
        {
            // A large file goes to disk while the rest arrives: the flush before the answer waits for the tail only.
            EarlyWriteBack.Start(_handle, _writeBackStarted, _length - _writeBackStarted);
            _writeBackStarted = _length;
        }
    }

    /// <summary>Counts <paramref name="count"/> bytes just put into the direct chunk; a full chunk goes to disk.</summary>
    private ValueTask AddedToChunkAsync(int count, CancellationToken cancellationToken)
    {
        UsedDirectIo = true;
        _fill += count;
        _length += count;
        return _fill == ChunkSize ? StartChunkWriteAsync(ChunkSize, cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Starts direct I/O at the threshold, or notes that the file system refused it (the rest is buffered).</summary>
    private bool StartDirectOrRefuse()
    {
        if (TryStartDirect())
        {
            return true;
        }

        _directRefused = true;
        return false;
    }

    private bool TryStartDirect()
    {
        if (_length % Alignment != 0 || !DirectIo.TryEnable(_handle, out _flagsBeforeDirect))
        {
            return false;
        }

        _direct = true;
        _directOffset = _length;
        _filling = Rent();
        _spare = Rent();
        _fill = 0;
        return true;
    }

    private async ValueTask StartChunkWriteAsync(int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await WaitPendingAsync().ConfigureAwait(false);
        AlignedBuffer chunk = _filling!;
        long offset = _directOffset;
        _directOffset += count;
        (_filling, _spare) = (_spare, chunk);
        _fill = 0;

        // Hashing and writing in order, one chunk at a time, on another thread while the next chunk arrives.
        _pending = Task.Run(() =>
        {
            ReadOnlySpan<byte> bytes = chunk.Memory.Span[..count];
            _hash.AppendData(bytes);
            RandomAccess.Write(_handle, bytes, offset);
        }, CancellationToken.None);
    }

    private async ValueTask WaitPendingAsync()
    {
        if (_pending is { } pending)
        {
            _pending = null;
            await pending.ConfigureAwait(false);
        }
    }

    private void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _handle.Dispose();
        _hash.Dispose();
        Return(_filling);
        Return(_spare);
        _filling = _spare = null;
    }

    private static AlignedBuffer Rent() => s_pool.TryTake(out AlignedBuffer? buffer) ? buffer : new AlignedBuffer();

    private static void Return(AlignedBuffer? buffer)
    {
        if (buffer is not null && s_pool.Count < MaxPooledBuffers)
        {
            s_pool.Add(buffer);
        }
    }

    /// <summary>A <see cref="ChunkSize"/> buffer at a 4 KiB-aligned address, on the pinned heap (it never moves).</summary>
    private sealed class AlignedBuffer
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(ChunkSize + Alignment, pinned: true);

        public AlignedBuffer()
        {
            GCHandle pin = GCHandle.Alloc(_array, GCHandleType.Pinned);
            long address = pin.AddrOfPinnedObject();
            pin.Free();
            int start = (int)((Alignment - (address % Alignment)) % Alignment);
            Memory = _array.AsMemory(start, ChunkSize);
        }

        public Memory<byte> Memory { get; }
    }

    /// <summary>Switches an open file to direct I/O (fcntl F_SETFL with O_DIRECT), where Linux allows it.</summary>
    private static partial class DirectIo
    {
        private const int GetFlags = 3; // F_GETFL
        private const int SetFlags = 4; // F_SETFL

        /// <summary>O_DIRECT differs between architectures (asm-generic: 040000; arm64: 0200000).</summary>
        private static readonly int s_flag = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 0x4000,
            Architecture.Arm64 => 0x10000,
            _ => 0,
        };

        /// <summary>Sets O_DIRECT; <paramref name="flags"/> are the file's flags before (for <see cref="TryDisable"/>).</summary>
        public static bool TryEnable(SafeFileHandle handle, out int flags)
        {
            flags = 0;
            if (!OperatingSystem.IsLinux() || s_flag == 0)
            {
                return false;
            }

            flags = Fcntl(handle, GetFlags, 0);
            return flags >= 0 && Fcntl(handle, SetFlags, flags | s_flag) == 0;
        }

        /// <summary>Sets the file's flags back to <paramref name="flags"/>, as before <see cref="TryEnable"/>.</summary>
        public static bool TryDisable(SafeFileHandle handle, int flags) => Fcntl(handle, SetFlags, flags) == 0;

        [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
        private static partial int Fcntl(SafeFileHandle fd, int command, int argument);
    }
}
