using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Portico.Storage;

/// <summary>
/// Starts writing a range of a file that is still being received to disk (Linux <c>sync_file_range</c> with
/// <c>SYNC_FILE_RANGE_WRITE</c>), so that the flush that makes it durable later waits only for the tail. Advisory: it
/// guarantees nothing, durability still comes from the blob store's flush; errors and other systems are ignored.
/// </summary>
public static partial class EarlyWriteBack
{
    /// <summary>How much a writer should gather before starting write-back. 4 MiB: large enough to be one efficient I/O.</summary>
    public const long Chunk = 4L * 1024 * 1024;

    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE

    /// <summary>Starts write-back of <paramref name="count"/> bytes from <paramref name="offset"/>; returns at once.</summary>
    public static void Start(SafeFileHandle handle, long offset, long count)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (OperatingSystem.IsLinux() && count > 0)
        {
            _ = SyncFileRange(handle, offset, count, SyncFileRangeWrite);
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long count, uint flags);
}
