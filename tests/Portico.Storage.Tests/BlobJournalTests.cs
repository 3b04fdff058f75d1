using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;
using Xunit;

namespace Portico.Storage.Tests;

/// <summary>
/// Small blobs made durable through the journal. A crash is simulated by copying the store's directory while the store
/// is open with records not yet checkpointed (checkpoints only when asked), then damaging the copy as a power loss may
/// (a renamed blob missing or cut short, a record torn) and opening a store on the copy.
/// </summary>
public sealed class BlobJournalTests
{
    private static void OnlyWhenAsked(BlobStoreOptions options) => options.JournalCheckpointInterval = TimeSpan.Zero;

    /// <summary>Room for five 8 KiB records (blobs up to 8,000 bytes), checkpoints only when full or asked.</summary>
    private static void FiveRecordJournal(BlobStoreOptions options)
    {
        options.JournalCheckpointInterval = TimeSpan.Zero;
        options.JournalMaxBlobBytes = 8000;
        options.JournalBytes = BlobJournal.PageSize + 5 * 8192;
    }

    [Fact]
    public async Task WriteAsync_SmallBlob_DurableThroughTheJournalWithoutFileFlushes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(OnlyWhenAsked);
        byte[] content = GeneratedStream.Bytes(10_000, seed: 41);

        BlobInfo info = await test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct);

        Assert.Equal(0, test.Store.Flusher.DataFlushes);
        Assert.Equal(0, test.Store.Flusher.MetadataFlushes);
        Assert.True(test.Store.Journal!.HasPending);
        Assert.Equal(content, await TestStore.ReadAllAsync(test.Store, info.Key, ct));

        test.Store.CheckpointJournal();

        Assert.False(test.Store.Journal.HasPending);
        Assert.Equal(1, test.Store.Journal.Checkpoints);
    }

    [Fact]
    public async Task WriteAsync_BlobOverTheJournalLimit_FlushedAsAFile()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(o => o.JournalMaxBlobBytes = 4096);

        await test.Store.WriteAsync(new GeneratedStream(4097, seed: 42), long.MaxValue, ct);

        Assert.Equal(1, test.Store.Flusher.DataFlushes);
        Assert.False(test.Store.Journal!.HasPending);
    }

    [Fact]
    public async Task WriteAsync_CheckpointInterval_RetiresRecordsByItself()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(o => o.JournalCheckpointInterval = TimeSpan.FromMilliseconds(1));

        await test.Store.WriteAsync(new GeneratedStream(5000, seed: 43), long.MaxValue, ct);

        for (int i = 0; i < 500 && test.Store.Journal!.HasPending; i++)
        {
            await Task.Delay(10, ct);
        }

        Assert.False(test.Store.Journal!.HasPending);
        Assert.True(test.Store.Journal.Checkpoints >= 1);
    }

    [Fact]
    public async Task Open_AfterCrash_RestoresMissingAndDamagedBlobsFromTheJournal()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(OnlyWhenAsked);
        byte[] lost = GeneratedStream.Bytes(12_000, seed: 44);
        byte[] cut = GeneratedStream.Bytes(30_000, seed: 45);
        byte[] kept = GeneratedStream.Bytes(7_000, seed: 46);
        BlobInfo lostInfo = await test.Store.WriteAsync(new MemoryStream(lost), long.MaxValue, ct);
        BlobInfo cutInfo = await test.Store.WriteAsync(new MemoryStream(cut), long.MaxValue, ct);
        BlobInfo keptInfo = await test.Store.WriteAsync(new MemoryStream(kept), long.MaxValue, ct);

        using var crash = new CrashedCopy(test.Root);
        string crashed = crash.Root;
        File.Delete(BlobPathIn(crashed, lostInfo.Key));
        using (FileStream file = new(BlobPathIn(crashed, cutInfo.Key), FileMode.Open))
        {
            file.SetLength(100);
        }

        await using FileBlobStore reopened = Open(crashed);

        Assert.Equal(lost, await TestStore.ReadAllAsync(reopened, lostInfo.Key, ct));
        Assert.Equal(cut, await TestStore.ReadAllAsync(reopened, cutInfo.Key, ct));
        Assert.Equal(kept, await TestStore.ReadAllAsync(reopened, keptInfo.Key, ct));
        Assert.False(reopened.Journal!.HasPending);
    }

    [Fact]
    public async Task Open_AfterCrash_BlobDeletedAfterItsCheckpointStaysDeleted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(OnlyWhenAsked);
        BlobInfo deleted = await test.Store.WriteAsync(new GeneratedStream(9_000, seed: 47), long.MaxValue, ct);
        Assert.True(await test.Store.DeleteAsync(deleted.Key, ct)); // checkpoints first: its record is retired
        byte[] later = GeneratedStream.Bytes(9_000, seed: 48);
        BlobInfo laterInfo = await test.Store.WriteAsync(new MemoryStream(later), long.MaxValue, ct);

        using var crash = new CrashedCopy(test.Root);
        string crashed = crash.Root;
        File.Delete(BlobPathIn(crashed, laterInfo.Key));

        await using FileBlobStore reopened = Open(crashed);

        Assert.False(reopened.Exists(deleted.Key));
        Assert.Equal(later, await TestStore.ReadAllAsync(reopened, laterInfo.Key, ct));
    }

    [Fact]
    public async Task Open_AfterCrash_TornRecordIgnoredAndTheOthersRestored()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(OnlyWhenAsked);
        BlobInfo first = await test.Store.WriteAsync(new GeneratedStream(5_000, seed: 49), long.MaxValue, ct);
        byte[] second = GeneratedStream.Bytes(5_000, seed: 50);
        BlobInfo secondInfo = await test.Store.WriteAsync(new MemoryStream(second), long.MaxValue, ct);

        using var crash = new CrashedCopy(test.Root);
        string crashed = crash.Root;
        File.Delete(BlobPathIn(crashed, first.Key));
        File.Delete(BlobPathIn(crashed, secondInfo.Key));
        // The first record (one page after the header) loses a byte of its blob, as a write cut off by power loss.
        using (FileStream journal = new(Path.Join(crashed, BlobJournal.FileName), FileMode.Open))
        {
            journal.Position = BlobJournal.PageSize + BlobJournal.RecordHeaderSize + 100;
            int b = journal.ReadByte();
            journal.Position--;
            journal.WriteByte((byte)(b ^ 0xFF));
        }

        await using FileBlobStore reopened = Open(crashed);

        Assert.False(reopened.Exists(first.Key));
        Assert.Equal(second, await TestStore.ReadAllAsync(reopened, secondInfo.Key, ct));
    }

    [Fact]
    public async Task WriteAsync_ManyBlobsInASmallJournal_RingReusedAfterCheckpoints()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        // Room for five 8 KiB records: 40 writes wrap the ring several times, each time after a forced checkpoint.
        await using TestStore test = TestStore.Create(FiveRecordJournal);
        var written = new List<(BlobInfo Info, byte[] Content)>();
        for (int i = 0; i < 40; i++)
        {
            byte[] content = GeneratedStream.Bytes(6_000 + i, seed: 100 + (ulong)i);
            written.Add((await test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct), content));
        }

        Assert.True(test.Store.Journal!.Checkpoints >= 7);
        Assert.Equal(0, test.Store.Flusher.DataFlushes);
        Assert.Equal(BlobJournal.PageSize + 5 * 8192, new FileInfo(Path.Join(test.Root, BlobJournal.FileName)).Length);
        foreach ((BlobInfo info, byte[] content) in written)
        {
            Assert.Equal(content, await TestStore.ReadAllAsync(test.Store, info.Key, ct));
        }

        // The records left after the last checkpoint are still restorable, the older ones in the ring are ignored.
        using var crash = new CrashedCopy(test.Root);
        string crashed = crash.Root;
        foreach ((BlobInfo info, _) in written)
        {
            File.Delete(BlobPathIn(crashed, info.Key));
        }

        await using FileBlobStore reopened = Open(crashed);

        int restored = written.Count(w => reopened.Exists(w.Info.Key));
        Assert.InRange(restored, 1, 5);
        foreach ((BlobInfo info, byte[] content) in written.TakeLast(restored))
        {
            Assert.Equal(content, await TestStore.ReadAllAsync(reopened, info.Key, ct));
        }
    }

    [Fact]
    public async Task WriteAsync_GroupLargerThanTheJournal_RestFlushedAsFiles()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        // Room for five records; twelve writes gathered into one group: the journal takes what fits (its records are
        // not placed yet, so no checkpoint can free room), the others are flushed as files.
        await using TestStore test = TestStore.Create(o =>
        {
            FiveRecordJournal(o);
            o.GroupCommitWindow = TimeSpan.FromMilliseconds(500);
            o.MaxGroupSize = 12;
        });
        byte[][] contents = [.. Enumerable.Range(0, 12).Select(i => GeneratedStream.Bytes(6_000, seed: 200 + (ulong)i))];

        BlobInfo[] written = await Task.WhenAll(contents.Select(c => test.Store.WriteAsync(new MemoryStream(c), long.MaxValue, ct)));

        Assert.Equal(1, test.Store.Flusher.Groups);
        Assert.Equal(7, test.Store.Flusher.DataFlushes);
        for (int i = 0; i < contents.Length; i++)
        {
            Assert.Equal(contents[i], await TestStore.ReadAllAsync(test.Store, written[i].Key, ct));
        }
    }

    [Fact]
    public async Task Open_SecondStoreOnTheSameRoot_RefusedWhileTheFirstIsOpen()
    {
        await using TestStore test = TestStore.Create();

        IOException refused = Assert.Throws<IOException>(() => Open(test.Root));

        Assert.Contains("another Portico process has this store open", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_LockLetGoOfWithinTheWait_Opens()
    {
        // As when the previous holder closed the journal while a child it forked still shared the lock until exec.
        await using TestStore test = TestStore.Create();
        using var copy = new CrashedCopy(test.Root);
        SafeFileHandle holder = File.OpenHandle(Path.Join(copy.Root, BlobJournal.FileName), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Task letGo = Task.Delay(300, TestContext.Current.CancellationToken).ContinueWith(_ => holder.Dispose(), TaskScheduler.Default);

        await using FileBlobStore reopened = Open(copy.Root);

        Assert.True(holder.IsClosed); // set before the handle (and its lock) is let go of
        Assert.NotNull(reopened.Journal);
        await letGo;
    }

    [Fact]
    public async Task Open_JournalTurnedOffAfterACrash_RestoresThenRemovesIt()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create(OnlyWhenAsked);
        byte[] content = GeneratedStream.Bytes(3_000, seed: 51);
        BlobInfo info = await test.Store.WriteAsync(new MemoryStream(content), long.MaxValue, ct);

        using var crash = new CrashedCopy(test.Root);
        string crashed = crash.Root;
        File.Delete(BlobPathIn(crashed, info.Key));

        await using FileBlobStore reopened = Open(crashed, o => o.JournalMaxBlobBytes = 0);

        Assert.Null(reopened.Journal);
        Assert.False(File.Exists(Path.Join(crashed, BlobJournal.FileName)));
        Assert.Equal(content, await TestStore.ReadAllAsync(reopened, info.Key, ct));
    }

    [Fact]
    public void Options_JournalTooSmallForItsLargestBlob_Refused()
    {
        var options = new BlobStoreOptions { RootDirectory = "/tmp/x", JournalMaxBlobBytes = 1024 * 1024, JournalBytes = 2 * 1024 * 1024 };

        OptionsValidationException refused = Assert.Throws<OptionsValidationException>(() => BlobStoreOptionsValidator.ThrowIfInvalid(options));

        Assert.Contains("JournalBytes", refused.Message, StringComparison.Ordinal);
    }

    private static FileBlobStore Open(string root, Action<BlobStoreOptions>? configure = null)
    {
        var options = new BlobStoreOptions { RootDirectory = root, JournalCheckpointInterval = TimeSpan.Zero };
        configure?.Invoke(options);
        return new FileBlobStore(Options.Create(options), NullLogger<FileBlobStore>.Instance, TimeProvider.System, useSyncFileSystem: true);
    }

    private static string BlobPathIn(string root, BlobKey key) =>
        Path.Join(root, "blobs", key.Sha256Hex[..2], key.Sha256Hex);

    /// <summary>
    /// A copy of the store as it is now, as a crash would leave it, deleted afterwards. Copied with cp: .NET's own file
    /// opens honour the lock the open store holds on its journal.
    /// </summary>
    private sealed class CrashedCopy : IDisposable
    {
        public CrashedCopy(string root)
        {
            Root = Path.Join(Path.GetTempPath(), "portico-storage-tests", "crash-" + Guid.NewGuid().ToString("N"));
            using var cp = System.Diagnostics.Process.Start("cp", ["-a", root, Root])!;
            cp.WaitForExit();
            Assert.Equal(0, cp.ExitCode);
        }

        public string Root { get; }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
