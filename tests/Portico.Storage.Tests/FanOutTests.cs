using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Portico.Storage.Tests;

/// <summary>
/// The fan-out and what a write has to flush. A new store puts blobs one level down (<c>blobs/ab/</c>); its 256
/// directories are made durable when the store opens, so a write flushes its own directory only and never creates one.
/// A store written by an earlier version (<c>blobs/ab/cd/</c>, no layout file) keeps its two levels: there a new
/// second-level directory costs its own flush and its parent's, and with syncfs a lone commit with several directories
/// to flush makes one syncfs call instead.
/// </summary>
public sealed class FanOutTests : IDisposable
{
    private readonly List<string> _roots = [];

    public void Dispose()
    {
        foreach (string root in _roots.Where(Directory.Exists))
        {
            Directory.Delete(root, recursive: true);
        }
    }
    /// <summary>These count the flushes of blobs made durable as files; small blobs would go through the journal.</summary>
    private static void WithoutJournal(BlobStoreOptions options) => options.JournalMaxBlobBytes = 0;

    [Fact]
    public async Task Open_NewStore_CreatesTheFirstLevelAndRecordsTheSingleLevelLayout()
    {
        await using TestStore test = TestStore.Create(WithoutJournal);

        string[] first = [.. Directory.GetDirectories(test.BlobsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

        Assert.Equal(256, first.Length);
        Assert.Equal("00", first[0]);
        Assert.Equal("ff", first[^1]);
        Assert.Empty(test.BlobFiles());
        Assert.False(test.Store.IsTwoLevel);
        Assert.Equal("blobs/ab/<sha256>\n", File.ReadAllText(Path.Join(test.Root, "layout")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WriteAsync_NewStore_CreatesNoDirectoryAndFlushesOnlyItsOwn(bool useSyncFileSystem)
    {
        await using TestStore test = TestStore.Create(WithoutJournal, useSyncFileSystem);
        Assert.Equal(useSyncFileSystem, test.Store.Flusher.UsesSyncFileSystem); // this kernel has syncfs with error reporting (Linux 5.8+)
        int directories = Directory.GetDirectories(test.BlobsDirectory, "*", SearchOption.AllDirectories).Length;

        BlobInfo info = await test.Store.WriteAsync(new MemoryStream([1, 2, 3]), long.MaxValue, TestContext.Current.CancellationToken);

        Assert.True(test.Store.Exists(info.Key));
        Assert.Equal([Path.Join(test.BlobsDirectory, info.Key.Sha256Hex[..2], info.Key.Sha256Hex)], test.BlobFiles());
        Assert.Equal(directories, Directory.GetDirectories(test.BlobsDirectory, "*", SearchOption.AllDirectories).Length);
        Assert.Equal(1, test.Store.Flusher.DataFlushes);
        Assert.Equal(1, test.Store.Flusher.MetadataFlushes);
    }

    [Fact]
    public async Task WriteAsync_FirstLevelRemovedWhileRunning_RecreatedAndStored()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(WithoutJournal, useSyncFileSystem: false);
        byte[] content = [4, 5, 6];
        string prefix = Convert.ToHexStringLower(SHA256.HashData(content))[..2];
        Directory.Delete(Path.Join(test.BlobsDirectory, prefix));

        BlobInfo info = await test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct);

        Assert.True(test.Store.Exists(info.Key));
        Assert.Equal(2, test.Store.Flusher.MetadataFlushes); // the recreated directory and the blobs directory
    }

    [Theory]
    [InlineData(false, 2)] // fsync of the new directory and of its parent
    [InlineData(true, 1)] // one syncfs for both
    public async Task WriteAsync_TwoLevelStore_NewSecondLevelDirectory_FlushesItAndItsParentOnly(bool useSyncFileSystem, int metadataFlushes)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        (string root, BlobKey earlier) = TwoLevelStoreOfAnEarlierVersion([9, 9, 9]);
        await using FileBlobStore store = Open(root, useSyncFileSystem);

        BlobInfo info = await store.WriteAsync(new MemoryStream([1, 2, 3]), long.MaxValue, ct);

        Assert.True(store.IsTwoLevel);
        Assert.NotEqual(earlier.Sha256Hex[..4], info.Key.Sha256Hex[..4]);
        Assert.True(File.Exists(Path.Join(root, "blobs", info.Key.Sha256Hex[..2], info.Key.Sha256Hex[2..4], info.Key.Sha256Hex)));
        Assert.Equal(1, store.Flusher.DataFlushes);
        Assert.Equal(metadataFlushes, store.Flusher.MetadataFlushes);
    }

    [Fact]
    public async Task Open_StoreOfAnEarlierVersion_KeepsItsTwoLevelsAndFindsItsBlobs()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        (string root, BlobKey earlier) = TwoLevelStoreOfAnEarlierVersion([7, 7, 7]);
        BlobKey added;
        await using (FileBlobStore store = Open(root, useSyncFileSystem: true))
        {
            Assert.True(store.IsTwoLevel);
            Assert.True(store.Exists(earlier));
            await using (Stream read = store.OpenRead(earlier))
            {
                Assert.Equal(3, read.Length);
            }

            added = (await store.WriteAsync(new MemoryStream([8, 8, 8]), long.MaxValue, ct)).Key;
            Assert.Equal([earlier, added], (await store.EnumerateAsync(ct).ToListAsync(ct)).Select(b => b.Key).OrderBy(k => k.Sha256Hex));
        }

        Assert.Equal("blobs/ab/cd/<sha256>\n", File.ReadAllText(Path.Join(root, "layout")));

        // Reopened, as after a restart: the layout file decides, and both blobs are where they were.
        await using FileBlobStore reopened = Open(root, useSyncFileSystem: true);
        Assert.True(reopened.IsTwoLevel);
        Assert.True(reopened.Exists(earlier));
        Assert.True(reopened.Exists(added));
    }

    [Fact]
    public void Open_UnknownLayout_RefusedWithAClearError()
    {
        string root = NewRoot();
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Join(root, "layout"), "blobs/abc/<sha512>\n");

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Open(root, useSyncFileSystem: true));

        Assert.Contains("blobs/abc/<sha512>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_TwoLevelStore_DirectoryThatExistedAtOpen_FlushesOnlyThatDirectory()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        (byte[] first, byte[] second) = TwoContentsWithTheSameFanOut();
        (string root, BlobKey stored) = TwoLevelStoreOfAnEarlierVersion(first);

        await using FileBlobStore reopened = Open(root, useSyncFileSystem: true, WithoutJournal);
        BlobInfo added = await reopened.WriteAsync(new MemoryStream(second), long.MaxValue, ct);

        Assert.Equal(stored.Sha256Hex[..4], added.Key.Sha256Hex[..4]);
        Assert.True(reopened.Exists(stored));
        Assert.True(reopened.Exists(added.Key));
        Assert.Equal(1, reopened.Flusher.DataFlushes);
        Assert.Equal(1, reopened.Flusher.MetadataFlushes);
    }

    private string NewRoot()
    {
        string root = Path.Join(Path.GetTempPath(), "portico-storage-tests", Guid.NewGuid().ToString("N"));
        _roots.Add(root);
        return root;
    }

    private static FileBlobStore Open(string root, bool useSyncFileSystem, Action<BlobStoreOptions>? configure = null)
    {
        var options = new BlobStoreOptions { RootDirectory = root };
        (configure ?? WithoutJournal)(options);
        return new FileBlobStore(Options.Create(options), NullLogger<FileBlobStore>.Instance, TimeProvider.System, useSyncFileSystem);
    }

    /// <summary>A store as an earlier version left it: one blob at blobs/ab/cd/&lt;sha256&gt;, no layout file.</summary>
    private (string Root, BlobKey Key) TwoLevelStoreOfAnEarlierVersion(byte[] content)
    {
        string root = NewRoot();
        string hex = Convert.ToHexStringLower(SHA256.HashData(content));
        string directory = Path.Join(root, "blobs", hex[..2], hex[2..4]);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Join(directory, hex), content);
        Assert.True(BlobKey.TryParse(hex, out BlobKey key));
        return (root, key);
    }

    /// <summary>Two small contents whose SHA-256 share the first four hex digits (found by trying counters).</summary>
    private static (byte[] First, byte[] Second) TwoContentsWithTheSameFanOut()
    {
        var seen = new Dictionary<int, byte[]>();
        for (ulong i = 0; ; i++)
        {
            byte[] content = BitConverter.GetBytes(i);
            byte[] hash = SHA256.HashData(content);
            int fanOut = (hash[0] << 8) | hash[1];
            if (seen.TryGetValue(fanOut, out byte[]? earlier))
            {
                return (earlier, content);
            }

            seen[fanOut] = content;
        }
    }
}
