using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Portico.Storage.Tests;

/// <summary>A <see cref="FileBlobStore"/> in a fresh directory, deleted afterwards.</summary>
internal sealed class TestStore : IAsyncDisposable
{
    private TestStore(string root, BlobStoreOptions options, FileBlobStore store)
    {
        Root = root;
        Options = options;
        Store = store;
    }

    public string Root { get; }

    public BlobStoreOptions Options { get; }

    public FileBlobStore Store { get; }

    public string BlobsDirectory => Path.Join(Root, "blobs");

    public static TestStore Create(Action<BlobStoreOptions>? configure = null, bool useSyncFileSystem = true)
    {
        string root = Path.Join(Path.GetTempPath(), "portico-storage-tests", Guid.NewGuid().ToString("N"));
        var options = new BlobStoreOptions { RootDirectory = root };
        configure?.Invoke(options);
        var store = new FileBlobStore(
            Microsoft.Extensions.Options.Options.Create(options),
            NullLogger<FileBlobStore>.Instance,
            TimeProvider.System,
            useSyncFileSystem);
        return new TestStore(root, options, store);
    }

    /// <summary>A blob's bytes, checked against its key.</summary>
    public static async Task<byte[]> ReadAllAsync(FileBlobStore store, BlobKey key, CancellationToken ct)
    {
        await using Stream read = store.OpenRead(key);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy, ct);
        Xunit.Assert.Equal(key, BlobKey.FromHash(System.Security.Cryptography.SHA256.HashData(copy.ToArray())));
        return copy.ToArray();
    }

    public BlobSweeper CreateSweeper() => new(Store, TimeProvider.System, NullLogger<BlobSweeper>.Instance);

    public string[] TempFiles() => Directory.GetFiles(Store.TempDirectory, "*", SearchOption.AllDirectories);

    public string[] BlobFiles() => Directory.GetFiles(BlobsDirectory, "*", SearchOption.AllDirectories);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
