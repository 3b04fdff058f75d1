using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace Portico.Web.Hosting;

/// <summary>
/// Kestrel's socket buffers in blocks of <see cref="BlockSize"/> instead of its own pool's 4 KiB: a connection then
/// receives up to that much per call. An upload of a 512 KB image took 128 receive calls, each with its pipe and
/// request-body bookkeeping, and a large one about 250,000 per GB (measured with <c>strace -c</c>).
/// </summary>
internal sealed class SocketBufferPool : MemoryPool<byte>
{
    /// <summary>One block: 64 KiB, held by each open connection (idle ones included, see WaitForDataBeforeAllocatingBuffer).</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Free blocks kept for reuse (16 MiB); more are left to the garbage collector.</summary>
    private const int MaxFreeBlocks = 256;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;
    private long _allocated;
    private bool _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks made so far (rented ones are reused; only these cost memory).</summary>
    public long BlocksAllocated => Interlocked.Read(ref _allocated);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out Block? block))
        {
            Interlocked.Decrement(ref _freeCount);
        }
        else
        {
            block = new Block(this);
            Interlocked.Increment(ref _allocated);
        }

        block.Rented = true;
        return block;
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    private void Return(Block block)
    {
        if (!_disposed && Interlocked.Increment(ref _freeCount) <= MaxFreeBlocks)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    /// <summary>A block on the pinned object heap: the socket reads into it without pinning it per call.</summary>
    private sealed class Block(SocketBufferPool pool) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory { get; } = MemoryMarshal.CreateFromPinnedArray(GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true), 0, BlockSize);

        public bool Rented { get; set; }

        public void Dispose()
        {
            // Returned once: a second Dispose would hand the same block to two owners.
            if (Rented)
            {
                Rented = false;
                pool.Return(this);
            }
        }
    }
}

/// <summary>
/// Gives Kestrel's socket transport a <see cref="SocketBufferPool"/>: registered as the host's
/// <see cref="IMemoryPoolFactory{T}"/>, which the transport takes its pool from.
/// </summary>
internal sealed class SocketBufferPoolFactory : IMemoryPoolFactory<byte>
{
    private readonly ConcurrentQueue<SocketBufferPool> _pools = new();

    /// <summary>The pools made so far.</summary>
    public IReadOnlyCollection<SocketBufferPool> Pools => _pools;

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new SocketBufferPool();
        _pools.Enqueue(pool);
        return pool;
    }
}
