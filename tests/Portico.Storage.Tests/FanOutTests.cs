using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Portico.Storage.Tests;

/// <summary>
/// The two-level fan-out and what a write has to flush: the first level is made durable when the store opens, so a new
/// second-level directory costs its own flush and its parent's; a directory that existed when the store opened (made
/// durable then by one syncfs) costs its own only. With syncfs, a lone commit with several directories to flush makes one
/// syncfs call instead.
/// </summary>
public sealed class FanOutTests
{
    /// <summary>These count the flushes of blobs made durable as files; small blobs would go through the journal.</summary>
    private static void WithoutJournal(BlobStoreOptions options) => options.JournalMaxBlobBytes = 0;

    [Fact]
    public async Task Open_CreatesTheFirstLevel()
    {
        await using TestStore test = TestStore.Create(WithoutJournal);

        string[] first = [.. Directory.GetDirectories(test.BlobsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

        Assert.Equal(256, first.Length);
        Assert.Equal("00", first[0]);
        Assert.Equal("ff", first[^1]);
        Assert.Empty(test.BlobFiles());
    }

    [Theory]
    [InlineData(false, 2)] // fsync of the new directory and of its parent
    [InlineData(true, 1)] // one syncfs for both
    public async Task WriteAsync_NewSecondLevelDirectory_FlushesItAndItsParentOnly(bool useSyncFileSystem, int metadataFlushes)
    {
        await using TestStore test = TestStore.Create(WithoutJournal, useSyncFileSystem);
        Assert.Equal(useSyncFileSystem, test.Store.Flusher.UsesSyncFileSystem); // this kernel has syncfs with error reporting (Linux 5.8+)

        BlobInfo info = await test.Store.WriteAsync(new MemoryStream([1, 2, 3]), long.MaxValue, TestContext.Current.CancellationToken);

        Assert.True(test.Store.Exists(info.Key));
        Assert.Equal(1, test.Store.Flusher.DataFlushes);
        Assert.Equal(metadataFlushes, test.Store.Flusher.MetadataFlushes);
    }

    [Fact]
    public async Task WriteAsync_DirectoryThatExistedAtOpen_FlushesOnlyThatDirectory()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(WithoutJournal);
        (byte[] first, byte[] second) = TwoContentsWithTheSameFanOut();
        BlobInfo stored = await test.Store.WriteAsync(new MemoryStream(first), long.MaxValue, ct);

        // The same root opened again, as after a restart: the first blob's directory is known durable from the start.
        await test.Store.DisposeAsync();
        await using var reopened = new FileBlobStore(Options.Create(test.Options), NullLogger<FileBlobStore>.Instance, TimeProvider.System, useSyncFileSystem: true);
        BlobInfo added = await reopened.WriteAsync(new MemoryStream(second), long.MaxValue, ct);

        Assert.Equal(stored.Key.Sha256Hex[..4], added.Key.Sha256Hex[..4]);
        Assert.True(reopened.Exists(stored.Key));
        Assert.True(reopened.Exists(added.Key));
        Assert.Equal(1, reopened.Flusher.DataFlushes);
        Assert.Equal(1, reopened.Flusher.MetadataFlushes);
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
        Assert.Equal(3, test.Store.Flusher.MetadataFlushes); // its directory, the recreated parent and the blobs directory
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
