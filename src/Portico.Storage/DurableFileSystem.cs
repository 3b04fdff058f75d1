using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Portico.Storage;

/// <summary>
/// The few system calls that .NET does not expose and durability needs: fsync of a directory (File.OpenHandle refuses
/// directories), syncfs (one flush for a whole group of files) and rename without replacing (renameat2 with
/// RENAME_NOREPLACE). Linux first; elsewhere each call falls back to what .NET offers.
/// </summary>
internal static partial class DurableFileSystem
{
    private const string LibC = "libc";

    // errno values are the same on every Linux architecture .NET runs on (asm-generic/errno-base.h).
    private const int EINTR = 4;
    private const int EEXIST = 17;
    private const int EXDEV = 18;
    private const int EINVAL = 22;
    private const int ENOSYS = 38;

    private const int AtCurrentWorkingDirectory = -100; // AT_FDCWD
    private const uint RenameNoReplace = 1;             // RENAME_NOREPLACE
    private const int OpenCloseOnExec = 0x80000;        // O_CLOEXEC (02000000) on x64 and arm64

    private static int s_renameAt2Unavailable;

    /// <summary>
    /// syncfs reports write-back errors of the file system only since Linux 5.8; before that a failed write-back went
    /// unnoticed, so older kernels get one fsync per file instead.
    /// </summary>
    public static bool IsSyncFileSystemSupported { get; } =
        OperatingSystem.IsLinux() && Environment.OSVersion.Version >= new Version(5, 8);

    /// <summary>Flushes the file's data and metadata to stable storage (fsync).</summary>
    public static void FlushFile(SafeFileHandle handle) => RandomAccess.FlushToDisk(handle);

    /// <summary>
    /// Flushes the file's data, and only the metadata needed to read it back (fdatasync): for a file overwritten within
    /// its length, the data alone. Falls back to fsync where fdatasync does not exist.
    /// </summary>
    public static void FlushFileData(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        if (FileDataSync(handle) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"fdatasync failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    /// <summary>Flushes every dirty file of the file system holding <paramref name="handle"/> (Linux syncfs).</summary>
    public static void FlushFileSystem(SafeFileHandle handle)
    {
        if (SyncFileSystem(handle) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"syncfs failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    /// <summary>
    /// Makes the entries of <paramref name="directory"/> durable (a rename or a new file in it). A no-op on Windows,
    /// where NTFS journals directory changes and a directory cannot be flushed.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using SafeFileHandle handle = OpenDirectory(directory);
        if (Fsync(handle) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"fsync of directory '{directory}' failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    /// <summary>Opens a directory read-only, for fsync or syncfs (Unix only).</summary>
    public static SafeFileHandle OpenDirectory(string directory)
    {
        int flags = OpenCloseOnExec | RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 or Architecture.X86 => 0x10000, // O_DIRECTORY
            Architecture.Arm64 or Architecture.Arm => 0x4000,
            _ => 0,
        };
        if (!OperatingSystem.IsLinux())
        {
            flags = 0; // O_RDONLY: the flag values above are Linux's
        }

        int fd;
        do
        {
            fd = Open(directory, flags);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);

        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open directory '{directory}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Renames <paramref name="source"/> to <paramref name="destination"/> atomically unless the destination exists.
    /// Returns false, changing nothing, when it exists. Throws <see cref="CrossDeviceMoveException"/> when the two are
    /// on different file systems (Linux only; elsewhere .NET copies, which is not atomic).
    /// </summary>
    public static bool TryMoveNoReplace(string source, string destination)
    {
        if (OperatingSystem.IsLinux() && Volatile.Read(ref s_renameAt2Unavailable) == 0)
        {
            int result;
            try
            {
                result = RenameAt2(AtCurrentWorkingDirectory, source, AtCurrentWorkingDirectory, destination, RenameNoReplace);
            }
            catch (EntryPointNotFoundException)
            {
                result = -1;
                Marshal.SetLastPInvokeError(ENOSYS);
            }

            if (result == 0)
            {
                return true;
            }

            int errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case EEXIST:
                    return false;
                case EXDEV:
                    throw new CrossDeviceMoveException(source, destination);
                case EINVAL or ENOSYS:
                    // The C library or the file system does not know RENAME_NOREPLACE: use link + unlink below.
                    Volatile.Write(ref s_renameAt2Unavailable, 1);
                    break;
                default:
                    throw new IOException(
                        $"Cannot move '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
        }

        try
        {
            // Without overwrite, .NET on Unix links then unlinks: the destination appears whole or not at all.
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(SafeFileHandle fd);

    [LibraryImport(LibC, EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FileDataSync(SafeFileHandle fd);

    [LibraryImport(LibC, EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFileSystem(SafeFileHandle fd);

    [LibraryImport(LibC, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectoryFd, string oldPath, int newDirectoryFd, string newPath, uint flags);
}
