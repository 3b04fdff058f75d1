using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Portico.Storage;

/// <summary>
/// Streams content through SHA-256 (<see cref="IncrementalHash"/>) with one pooled buffer: the content is never held in
/// memory, whatever its size.
/// </summary>
internal static class ContentHasher
{
    /// <summary>Pooled buffer size: 128 KiB keeps system calls few without a large per-writer footprint.</summary>
    public const int BufferSize = 128 * 1024;

    /// <summary>
    /// Copies <paramref name="content"/> to the start of <paramref name="handle"/>'s file while hashing it; throws
    /// <see cref="BlobTooLargeException"/> as soon as more than <paramref name="maxBytes"/> have arrived.
    /// </summary>
    public static async Task<(BlobKey Key, long Length)> CopyAndHashAsync(
        Stream content, SafeFileHandle handle, long maxBytes, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            long total = 0;
            bool end = false;
            while (!end)
            {
                // Fill the buffer before writing: network streams hand over a few KiB at a time.
                int filled = 0;
                while (filled < buffer.Length)
                {
                    int read = await content.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        end = true;
                        break;
                    }

                    filled += read;
                    if (total + filled > maxBytes)
                    {
                        throw new BlobTooLargeException(maxBytes);
                    }
                }

                if (filled > 0)
                {
                    hash.AppendData(buffer, 0, filled);
                    await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, filled), total, cancellationToken).ConfigureAwait(false);
                    total += filled;
                }
            }

            return (KeyFromHash(hash, buffer), total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes a whole file.</summary>
    public static async Task<(BlobKey Key, long Length)> HashFileAsync(SafeFileHandle handle, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            long total = 0;
            int read;
            while ((read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, BufferSize), total, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }

            return (KeyFromHash(hash, buffer), total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static BlobKey KeyFromHash(IncrementalHash hash, byte[] scratch)
    {
        int written = hash.GetHashAndReset(scratch);
        return BlobKey.FromHash(scratch.AsSpan(0, written));
    }
}
