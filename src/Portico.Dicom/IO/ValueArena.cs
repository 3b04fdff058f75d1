namespace Portico.Dicom.IO;

/// <summary>Packs many small values into a few shared arrays: one allocation per chunk (2 to 16 KiB) of values, not one per element.</summary>
internal sealed class ValueArena
{
    private const int FirstChunkSize = 2 * 1024;
    private const int MaxChunkSize = 16 * 1024;
    private int _nextChunkSize = FirstChunkSize;
    private const int OwnArrayThreshold = 2 * 1024;
    private byte[]? _chunk;
    private int _used;

    public Memory<byte> Allocate(int length)
    {
        if (length == 0)
        {
            return Memory<byte>.Empty;
        }

        if (length > OwnArrayThreshold)
        {
            return new byte[length];
        }

        if (_chunk is null || _used + length > _chunk.Length)
        {
            // Chunks grow from 2 KiB to 16 KiB, so a small header costs little and a large one few allocations.
            _chunk = new byte[Math.Max(_nextChunkSize, length)];
            _nextChunkSize = Math.Min(_nextChunkSize * 2, MaxChunkSize);
            _used = 0;
        }

        Memory<byte> slice = _chunk.AsMemory(_used, length);
        _used += (length + 7) & ~7;
        if (_used > _chunk.Length)
        {
            _used = _chunk.Length;
        }

        return slice;
    }
}
