using Xunit;

namespace Portico.Storage.Tests;

public sealed class DurableFileSystemTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portico-durable-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FlushDirectory_ExistingDirectory_Succeeds()
    {
        DurableFileSystem.FlushDirectory(_directory);
    }

    [Fact]
    public void FlushDirectory_MissingDirectory_ThrowsIOException()
    {
        Assert.ThrowsAny<IOException>(() => DurableFileSystem.FlushDirectory(Path.Join(_directory, "absent")));
    }

    [Fact]
    public void FlushFileSystem_OpenFile_Succeeds()
    {
        Assert.SkipUnless(DurableFileSystem.IsSyncFileSystemSupported, "syncfs is Linux 5.8+ only");
        string path = Path.Join(_directory, "f");
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
        RandomAccess.Write(handle, "data"u8, 0);

        DurableFileSystem.FlushFileSystem(handle);
    }

    [Fact]
    public void TryMoveNoReplace_FreeDestination_Moves()
    {
        string source = Path.Join(_directory, "a");
        string destination = Path.Join(_directory, "b");
        File.WriteAllText(source, "a");

        Assert.True(DurableFileSystem.TryMoveNoReplace(source, destination));

        Assert.False(File.Exists(source));
        Assert.Equal("a", File.ReadAllText(destination));
    }

    [Fact]
    public void TryMoveNoReplace_DestinationExists_ReturnsFalseAndChangesNothing()
    {
        string source = Path.Join(_directory, "a");
        string destination = Path.Join(_directory, "b");
        File.WriteAllText(source, "new");
        File.WriteAllText(destination, "old");

        Assert.False(DurableFileSystem.TryMoveNoReplace(source, destination));

        Assert.Equal("new", File.ReadAllText(source));
        Assert.Equal("old", File.ReadAllText(destination));
    }
}
