using System.Security.Cryptography;
using Xunit;

namespace Portico.Storage.Tests;

public sealed class FileBlobStoreTests
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public async Task WriteAsync_Content_RoundTripsUnderItsSha256()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        byte[] content = GeneratedStream.Bytes(300_000, seed: 1);
        string expected = Convert.ToHexStringLower(SHA256.HashData(content));

        BlobInfo info = await test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct);

        Assert.Equal(expected, info.Key.Sha256Hex);
        Assert.Equal(content.Length, info.Length);
        Assert.True(test.Store.Exists(info.Key));
        Assert.Equal(content.Length, test.Store.GetLength(info.Key));
        await using Stream read = test.Store.OpenRead(info.Key);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy, ct);
        Assert.Equal(content, copy.ToArray());
        Assert.Empty(test.TempFiles());
    }

    [Fact]
    public async Task WriteAsync_Content_StoredAtItsContentAddress()
    {
        await using TestStore test = TestStore.Create();

        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(1000, seed: 2), 1000, TestContext.Current.CancellationToken);

        string hex = info.Key.Sha256Hex;
        string expectedPath = Path.Join(test.Root, "blobs", hex[..2], hex);
        Assert.Equal([expectedPath], test.BlobFiles());
    }

    [Fact]
    public async Task WriteAsync_EmptyContent_StoresEmptyBlob()
    {
        await using TestStore test = TestStore.Create();

        BlobInfo info = await test.Store.WriteAsync(Stream.Null, 0, TestContext.Current.CancellationToken);

        Assert.Equal(EmptySha256, info.Key.Sha256Hex);
        Assert.Equal(0, info.Length);
        Assert.Equal(0, test.Store.GetLength(info.Key));
    }

    [Fact]
    public async Task WriteAsync_SameContentTwice_KeepsOneBlob()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        byte[] content = GeneratedStream.Bytes(50_000, seed: 3);

        BlobInfo first = await test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct);
        BlobInfo second = await test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct);

        Assert.Equal(first, second);
        Assert.Single(test.BlobFiles());
        Assert.Empty(test.TempFiles());
        BlobInfo listed = Assert.Single(await test.Store.EnumerateAsync(ct).ToListAsync(ct));
        Assert.Equal(first, listed);
    }

    [Fact]
    public async Task WriteAsync_SameContentConcurrently_KeepsOneBlob()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        byte[] content = GeneratedStream.Bytes(20_000, seed: 4);

        BlobInfo[] infos = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct), ct)));

        Assert.Single(infos.Distinct());
        Assert.Single(test.BlobFiles());
        Assert.Empty(test.TempFiles());
    }

    [Fact]
    public async Task WriteAsync_ExactlyMaxBytes_Stores()
    {
        await using TestStore test = TestStore.Create();

        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(1000, seed: 5), 1000, TestContext.Current.CancellationToken);

        Assert.Equal(1000, info.Length);
    }

    [Fact]
    public async Task WriteAsync_MoreThanMaxBytes_ThrowsAndLeavesNothing()
    {
        await using TestStore test = TestStore.Create();

        BlobTooLargeException ex = await Assert.ThrowsAsync<BlobTooLargeException>(
            () => test.Store.WriteAsync(new GeneratedStream(1001, seed: 6), 1000, TestContext.Current.CancellationToken));

        Assert.Equal(1000, ex.MaxBytes);
        Assert.Empty(test.TempFiles());
        Assert.Empty(test.BlobFiles());
    }

    [Fact]
    public async Task WriteAsync_EndlessContent_RefusedOnceLimitPassed()
    {
        await using TestStore test = TestStore.Create();
        var endless = new GeneratedStream(long.MaxValue, seed: 7, maxChunk: 4096);

        await Assert.ThrowsAsync<BlobTooLargeException>(
            () => test.Store.WriteAsync(endless, 1 << 20, TestContext.Current.CancellationToken));

        Assert.InRange(endless.Position, (1 << 20) + 1, (1 << 20) + 4096);
        Assert.Empty(test.TempFiles());
    }

    [Fact]
    public async Task WriteAsync_CancelledMidWrite_LeavesNoTempFile()
    {
        await using TestStore test = TestStore.Create();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var stalling = new StallingStream(before: 3 * FileBlobStore.BufferSize + 17);

        Task<BlobInfo> write = test.Store.WriteAsync(stalling, long.MaxValue, cts.Token);
        await stalling.Stalled.WaitAsync(TestContext.Current.CancellationToken);
        Assert.Single(test.TempFiles());
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.Empty(test.TempFiles());
        Assert.Empty(test.BlobFiles());
    }

    [Fact]
    public async Task WriteAsync_FiftyConcurrentWriters_AllStoredAndDistinct()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        byte[][] contents = Enumerable.Range(0, 50).Select(i => GeneratedStream.Bytes(1000 + (i * 4099), seed: (ulong)(100 + i))).ToArray();

        BlobInfo[] infos = await Task.WhenAll(contents
            .Select(content => Task.Run(() => test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct), ct)));

        Assert.Equal(50, infos.Select(i => i.Key).Distinct().Count());
        for (int i = 0; i < contents.Length; i++)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(contents[i])), infos[i].Key.Sha256Hex);
            await using Stream read = test.Store.OpenRead(infos[i].Key);
            Assert.Equal(infos[i].Key.Sha256Hex, Convert.ToHexStringLower(await SHA256.HashDataAsync(read, ct)));
        }

        Assert.Equal(50, test.BlobFiles().Length);
        Assert.Empty(test.TempFiles());
        Assert.True(test.Store.Flusher.IsGrouping);
        Assert.InRange(test.Store.Flusher.Groups, 1, 50);
    }

    [Fact]
    public async Task WriteAsync_LoneWriter_CommitsOnItsOwnThread()
    {
        // One association sending image after image: each commit finds nothing queued and runs where it was asked,
        // without a hand-off to the flushing task; the flushes are the same.
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();

        for (int i = 0; i < 5; i++)
        {
            await test.Store.WriteAsync(new GeneratedStream(300_000, seed: (ulong)(500 + i)), long.MaxValue, ct);
        }

        Assert.True(test.Store.Flusher.IsGrouping);
        Assert.Equal(5, test.Store.Flusher.Groups);
        Assert.Equal(5, test.Store.Flusher.InlineGroups);
        Assert.Equal(5, test.BlobFiles().Length);
        Assert.Empty(test.TempFiles());
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWritersInOneWindow_ShareFlushes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(o => o.GroupCommitWindow = TimeSpan.FromMilliseconds(200));
        const int Writers = 64;

        await Task.WhenAll(Enumerable.Range(0, Writers)
            .Select(i => Task.Run(() => test.Store.WriteAsync(new GeneratedStream(10_240, seed: (ulong)(1000 + i)), long.MaxValue, ct), ct)));

        Assert.Equal(Writers, test.BlobFiles().Length);
        Assert.True(test.Store.Flusher.Groups <= Writers / 4, $"{test.Store.Flusher.Groups} groups for {Writers} writes");
        Assert.True(test.Store.Flusher.DataFlushes <= Writers / 4, $"{test.Store.Flusher.DataFlushes} data flushes for {Writers} writes");
    }

    [Fact]
    public async Task WriteAsync_WithoutSyncFileSystem_FlushesEachFile()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(useSyncFileSystem: false);

        BlobInfo[] infos = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => test.Store.WriteAsync(new GeneratedStream(5000, seed: (ulong)(200 + i)), long.MaxValue, ct), ct)));

        Assert.Equal(20, infos.Distinct().Count());
        Assert.Equal(20, test.Store.Flusher.DataFlushes);
        Assert.Empty(test.TempFiles());
    }

    [Fact]
    public async Task WriteAsync_GroupingOff_CommitsEachWriteAlone()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(o => o.MaxGroupSize = 1);

        await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(i => Task.Run(() => test.Store.WriteAsync(new GeneratedStream(5000, seed: (ulong)(300 + i)), long.MaxValue, ct), ct)));

        Assert.False(test.Store.Flusher.IsGrouping);
        Assert.Equal(10, test.Store.Flusher.Groups);
        Assert.Equal(10, test.Store.Flusher.DataFlushes);
        Assert.Equal(10, test.BlobFiles().Length);
    }

    [Fact]
    public async Task WriteAsync_FsyncOff_StoresWithoutFlushing()
    {
        await using TestStore test = TestStore.Create(o => o.Fsync = false);

        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(5000, seed: 8), long.MaxValue, TestContext.Current.CancellationToken);

        Assert.True(test.Store.Exists(info.Key));
        Assert.Equal(0, test.Store.Flusher.DataFlushes);
        Assert.Equal(0, test.Store.Flusher.MetadataFlushes);
    }

    [Fact]
    public async Task ImportFileAsync_SpooledFile_MovedIntoPlace()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        byte[] content = GeneratedStream.Bytes(700_000, seed: 9);
        string spooled = Path.Join(test.Store.TempDirectory, "upload-1.part");
        await File.WriteAllBytesAsync(spooled, content, ct);

        BlobInfo info = await test.Store.ImportFileAsync(spooled, ct);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), info.Key.Sha256Hex);
        Assert.Equal(content.Length, info.Length);
        Assert.False(File.Exists(spooled));
        Assert.Empty(test.TempFiles());
        await using Stream read = test.Store.OpenRead(info.Key);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy, ct);
        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task CreateSpool_BlobTheJournalTakes_StaysInThePageCacheAndGoesToTheJournal()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(o => o.JournalCheckpointInterval = TimeSpan.Zero);
        byte[] content = GeneratedStream.Bytes((int)test.Options.JournalMaxBlobBytes, seed: 12);

        await using SpoolWriter spool = test.Store.CreateSpool("upload-");
        await spool.WriteAsync(content, ct);
        BlobKey key = await spool.CompleteAsync(ct);
        BlobInfo info = await test.Store.ImportFileAsync(spool.Path, key, ct);

        // Past SpoolWriter.DirectThreshold, yet written through the page cache whole: the journal copies it from there.
        Assert.True(content.Length > SpoolWriter.DirectThreshold);
        Assert.False(spool.UsedDirectIo);
        Assert.StartsWith(Path.Join(test.Store.TempDirectory, "upload-"), spool.Path, StringComparison.Ordinal);
        Assert.True(test.Store.Journal!.HasPending);
        Assert.Equal(0, test.Store.Flusher.DataFlushes);
        Assert.Equal(content, await TestStore.ReadAllAsync(test.Store, info.Key, ct));
        Assert.Empty(test.TempFiles());
    }

    [Theory]
    [InlineData(256 * 1024, 256 * 1024)]
    [InlineData(100_000, 102_400)] // rounded up to whole 4 KiB blocks
    [InlineData(4096, SpoolWriter.DirectThreshold)]
    [InlineData(0, SpoolWriter.DirectThreshold)] // journal off
    public async Task CreateSpool_DirectIoFrom_PastWhatTheJournalTakes(long journalMaxBlobBytes, long expected)
    {
        await using TestStore test = TestStore.Create(o => o.JournalMaxBlobBytes = journalMaxBlobBytes);

        Assert.Equal(expected, test.Store.SpoolDirectThreshold);
    }

    [Theory]
    [InlineData(256 * 1024, null, 256 * 1024)] // size unknown (a C-STORE data set): what the journal may take stays
    [InlineData(256 * 1024, 256 * 1024L, 256 * 1024)] // announced, and the journal takes it: copied from the page cache
    [InlineData(256 * 1024, 256 * 1024L + 1, SpoolWriter.DirectThreshold)] // announced too large for the journal
    [InlineData(256 * 1024, 512 * 1024L, SpoolWriter.DirectThreshold)] // a CT image sent over HTTP
    [InlineData(0, 100_000L, SpoolWriter.DirectThreshold)] // journal off
    public async Task CreateSpool_LengthAnnounced_OnlyWhatIsReadBackStaysInThePageCache(long journalMaxBlobBytes, long? expectedLength, long directFrom)
    {
        await using TestStore test = TestStore.Create(o => o.JournalMaxBlobBytes = journalMaxBlobBytes);

        await using SpoolWriter spool = test.Store.CreateSpool("upload-", expectedLength);

        Assert.Equal(directFrom, spool.DirectFrom);
    }

    [Fact]
    public async Task CreateSpool_LengthAnnouncedTooLargeForTheJournal_StoredWholeAndFlushedAsAFile()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(o => o.JournalCheckpointInterval = TimeSpan.Zero);
        byte[] content = GeneratedStream.Bytes((int)test.Options.JournalMaxBlobBytes + 40_000, seed: 13);

        await using SpoolWriter spool = test.Store.CreateSpool("upload-", content.Length);
        foreach (byte[] piece in content.Chunk(10_000))
        {
            await spool.WriteAsync(piece, ct);
        }

        BlobKey key = await spool.CompleteAsync(ct);
        BlobInfo info = await test.Store.ImportFileAsync(spool.Path, key, ct);

        Assert.Equal(SpoolWriter.DirectThreshold, spool.DirectFrom);
        Assert.False(test.Store.Journal!.HasPending);
        Assert.Equal(1, test.Store.Flusher.DataFlushes);
        Assert.Equal(BlobKey.FromHash(SHA256.HashData(content)), info.Key);
        Assert.Equal(content, await TestStore.ReadAllAsync(test.Store, info.Key, ct));
        Assert.Empty(test.TempFiles());
    }

    [Fact]
    public async Task CreateSpool_TempDirectoryRemoved_MadeAgain()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        Directory.Delete(test.Store.TempDirectory, recursive: true);

        await using SpoolWriter spool = test.Store.CreateSpool("cstore-");
        await spool.WriteAsync(new byte[] { 1, 2, 3 }, ct);
        await spool.CompleteAsync(ct);

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(spool.Path, ct));
        Assert.Equal(test.Store.TempDirectory, Path.GetDirectoryName(spool.Path));
    }

    [Fact]
    public async Task ImportFileAsync_AlreadyStored_DeletesSpooledFileAndKeepsBlob()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        byte[] content = GeneratedStream.Bytes(10_000, seed: 10);
        BlobInfo stored = await test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct);
        string spooled = Path.Join(test.Store.TempDirectory, "upload-2.part");
        await File.WriteAllBytesAsync(spooled, content, ct);

        BlobInfo imported = await test.Store.ImportFileAsync(spooled, ct);

        Assert.Equal(stored, imported);
        Assert.False(File.Exists(spooled));
        Assert.Single(test.BlobFiles());
    }

    [Fact]
    public async Task ImportFileAsync_MissingFile_ThrowsFileNotFound()
    {
        await using TestStore test = TestStore.Create();

        await Assert.ThrowsAsync<FileNotFoundException>(
            () => test.Store.ImportFileAsync(Path.Join(test.Store.TempDirectory, "absent"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EnumerateAsync_TempAndStrayFiles_ListsOnlyBlobs()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        var written = new List<BlobInfo>();
        for (int i = 0; i < 3; i++)
        {
            written.Add(await test.Store.WriteAsync(new GeneratedStream(100 * (i + 1), seed: (ulong)(20 + i)), long.MaxValue, ct));
        }

        await File.WriteAllTextAsync(Path.Join(test.Store.TempDirectory, "0123.tmp"), "partial", ct);
        string hex = written[0].Key.Sha256Hex;
        string directory = Path.Join(test.BlobsDirectory, hex[..2]);
        await File.WriteAllTextAsync(Path.Join(directory, "notes.txt"), "stray", ct);
        await File.WriteAllTextAsync(Path.Join(directory, hex.ToUpperInvariant()), "stray", ct);
        string misplaced = Path.Join(test.BlobsDirectory, "zz");
        Directory.CreateDirectory(misplaced);
        await File.WriteAllTextAsync(Path.Join(misplaced, hex), "stray", ct);

        List<BlobInfo> listed = await test.Store.EnumerateAsync(ct).ToListAsync(ct);

        Assert.Equal(written.OrderBy(b => b.Key.Sha256Hex), listed.OrderBy(b => b.Key.Sha256Hex));
    }

    [Fact]
    public async Task DeleteAsync_StoredBlob_RemovesIt()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(100, seed: 11), long.MaxValue, ct);

        Assert.True(await test.Store.DeleteAsync(info.Key, ct));

        Assert.False(test.Store.Exists(info.Key));
        Assert.Null(test.Store.GetLength(info.Key));
        Assert.False(await test.Store.DeleteAsync(info.Key, ct));
    }

    [Fact]
    public async Task QuarantineAsync_StoredBlob_MovesItOutOfTheStoreKeepingTheBytes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(100, seed: 13), long.MaxValue, ct);
        byte[] bytes = await File.ReadAllBytesAsync(test.Store.BlobPath(info.Key), ct);

        Assert.True(await test.Store.QuarantineAsync(info.Key, ct));
        // The same content stored and set aside again gets a second name, not an overwrite.
        await test.Store.WriteAsync(new GeneratedStream(100, seed: 13), long.MaxValue, ct);
        Assert.True(await test.Store.QuarantineAsync(info.Key, ct));

        Assert.False(test.Store.Exists(info.Key));
        Assert.Empty(test.BlobFiles());
        await foreach (BlobInfo _ in test.Store.EnumerateAsync(ct))
        {
            Assert.Fail("a quarantined blob is still listed");
        }

        string[] quarantined = [.. Directory.GetFiles(test.Store.QuarantineDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal([info.Key.Sha256Hex, info.Key.Sha256Hex + ".1"], quarantined);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Join(test.Store.QuarantineDirectory, info.Key.Sha256Hex), ct));
        Assert.False(await test.Store.QuarantineAsync(info.Key, ct));
    }

    [Fact]
    public async Task OpenRead_MissingBlob_ThrowsFileNotFound()
    {
        await using TestStore test = TestStore.Create();

        Assert.Throws<FileNotFoundException>(() => test.Store.OpenRead(BlobKey.Parse(EmptySha256)));
    }

    [Fact]
    public async Task Methods_DefaultKey_ThrowArgumentException()
    {
        await using TestStore test = TestStore.Create();

        Assert.Throws<ArgumentException>(() => test.Store.Exists(default));
        Assert.Throws<ArgumentException>(() => test.Store.OpenRead(default));
        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.DeleteAsync(default, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Constructor_Reopened_SeesStoredBlobs()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(100, seed: 12), long.MaxValue, ct);
        await test.Store.DisposeAsync();

        await using var reopened = new FileBlobStore(
            Microsoft.Extensions.Options.Options.Create(new BlobStoreOptions { RootDirectory = test.Root }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FileBlobStore>.Instance);

        Assert.Equal(100, reopened.GetLength(info.Key));
    }
}
