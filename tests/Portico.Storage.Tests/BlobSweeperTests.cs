using Xunit;

namespace Portico.Storage.Tests;

public sealed class BlobSweeperTests
{
    private static readonly DateTime LongAgo = DateTime.UtcNow - TimeSpan.FromDays(3);

    [Fact]
    public async Task DeleteStaleTempFilesAsync_OldAndFreshFiles_DeletesOnlyOld()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        string stale = Path.Join(test.Store.TempDirectory, "crashed.tmp");
        string fresh = Path.Join(test.Store.TempDirectory, "upload-in-progress.part");
        await File.WriteAllBytesAsync(stale, new byte[123], ct);
        await File.WriteAllBytesAsync(fresh, new byte[45], ct);
        File.SetLastWriteTimeUtc(stale, LongAgo);

        BlobSweepResult result = await test.CreateSweeper().DeleteStaleTempFilesAsync(ct);

        Assert.Equal(new BlobSweepResult(Examined: 2, Deleted: 1, DeletedBytes: 123, KeptRecent: 1), result);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task DeleteStaleTempFilesAsync_ZeroMaxAge_DeletesEveryTempFile()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        await File.WriteAllBytesAsync(Path.Join(test.Store.TempDirectory, "a.tmp"), new byte[1], ct);
        File.SetLastWriteTimeUtc(Path.Join(test.Store.TempDirectory, "a.tmp"), DateTime.UtcNow - TimeSpan.FromSeconds(1));

        BlobSweepResult result = await test.CreateSweeper().DeleteStaleTempFilesAsync(TimeSpan.Zero, ct);

        Assert.Equal(1, result.Deleted);
        Assert.Empty(test.TempFiles());
    }

    [Fact]
    public async Task DeleteOrphansAsync_UnreferencedOldBlobs_DeletesThemAndKeepsReferenced()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        BlobInfo referenced = await test.Store.WriteAsync(new GeneratedStream(100, seed: 1), long.MaxValue, ct);
        BlobInfo orphan1 = await test.Store.WriteAsync(new GeneratedStream(200, seed: 2), long.MaxValue, ct);
        BlobInfo orphan2 = await test.Store.WriteAsync(new GeneratedStream(300, seed: 3), long.MaxValue, ct);
        foreach (string path in test.BlobFiles())
        {
            File.SetLastWriteTimeUtc(path, LongAgo);
        }

        BlobSweepResult result = await test.CreateSweeper().DeleteOrphansAsync(new HashSet<BlobKey> { referenced.Key }, ct);

        Assert.Equal(new BlobSweepResult(Examined: 3, Deleted: 2, DeletedBytes: 500, KeptRecent: 0), result);
        Assert.True(test.Store.Exists(referenced.Key));
        Assert.False(test.Store.Exists(orphan1.Key));
        Assert.False(test.Store.Exists(orphan2.Key));
    }

    [Fact]
    public async Task DeleteOrphansAsync_Predicate_AskedOncePerBlob()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        BlobInfo kept = await test.Store.WriteAsync(new GeneratedStream(10, seed: 4), long.MaxValue, ct);
        BlobInfo orphan = await test.Store.WriteAsync(new GeneratedStream(20, seed: 5), long.MaxValue, ct);
        foreach (string path in test.BlobFiles())
        {
            File.SetLastWriteTimeUtc(path, LongAgo);
        }

        var asked = new List<BlobKey>();
        BlobSweepResult result = await test.CreateSweeper().DeleteOrphansAsync(
            key =>
            {
                asked.Add(key);
                return ValueTask.FromResult(key == kept.Key);
            },
            ct);

        Assert.Equal(1, result.Deleted);
        Assert.Equal(new[] { kept.Key, orphan.Key }.OrderBy(k => k.Sha256Hex), asked.OrderBy(k => k.Sha256Hex));
        Assert.Equal([kept], await test.Store.EnumerateAsync(ct).ToListAsync(ct));
    }

    [Fact]
    public async Task DeleteOrphansAsync_RecentOrphan_KeptForGracePeriod()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        BlobInfo recent = await test.Store.WriteAsync(new GeneratedStream(10, seed: 6), long.MaxValue, ct);

        BlobSweepResult result = await test.CreateSweeper().DeleteOrphansAsync(new HashSet<BlobKey>(), ct);

        Assert.Equal(new BlobSweepResult(Examined: 1, Deleted: 0, DeletedBytes: 0, KeptRecent: 1), result);
        Assert.True(test.Store.Exists(recent.Key));
    }

    [Fact]
    public async Task DeleteOrphansAsync_OldOrphanWrittenAgain_KeptForGracePeriod()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(10, seed: 7), long.MaxValue, ct);
        File.SetLastWriteTimeUtc(Assert.Single(test.BlobFiles()), LongAgo);

        // Same content again: a new instance is about to refer to it.
        await test.Store.WriteAsync(new GeneratedStream(10, seed: 7), long.MaxValue, ct);
        BlobSweepResult result = await test.CreateSweeper().DeleteOrphansAsync(new HashSet<BlobKey>(), ct);

        Assert.Equal(0, result.Deleted);
        Assert.True(test.Store.Exists(info.Key));
    }

    [Fact]
    public async Task DeleteOrphansAsync_ZeroGracePeriod_DeletesFreshOrphan()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(o => o.OrphanGracePeriod = TimeSpan.Zero);
        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(10, seed: 8), long.MaxValue, ct);

        BlobSweepResult result = await test.CreateSweeper().DeleteOrphansAsync(new HashSet<BlobKey>(), ct);

        Assert.Equal(1, result.Deleted);
        Assert.False(test.Store.Exists(info.Key));
    }
}
