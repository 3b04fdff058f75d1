using System.Security.Cryptography;
using Xunit;

namespace Portico.Storage.Tests;

public sealed class SpoolWriterTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private const int Threshold = (int)SpoolWriter.DirectThreshold;

    // Beside the test binaries, on the disk the checkout is on (a temp directory may be tmpfs, where direct I/O is not
    // always allowed): the data directory of a real server is on such a disk too.
    private readonly string _directory = Path.Join(AppContext.BaseDirectory, "spool-tests", Guid.NewGuid().ToString("N"));

    public SpoolWriterTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Sizes around the thresholds and chunks, each filled both ways: written in pieces, and read from a stream.</summary>
    public static TheoryData<int, bool> Sizes()
    {
        int[] sizes =
        [
            0, 1, 4095, Threshold - 1, Threshold, Threshold + 1, Threshold + 4096,
            526_338, // a CT image: 512×512×2 bytes of pixel data and its header
            MiB + 1, Threshold + SpoolWriter.ChunkSize, Threshold + (3 * SpoolWriter.ChunkSize) + 12_345,
        ];
        var data = new TheoryData<int, bool>();
        foreach (int size in sizes)
        {
            data.Add(size, false);
            data.Add(size, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task AnySize_FileAndHashAreExactlyWhatArrived(int size, bool readFromStream)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] content = Content(size, seed: size);
        string path = Path.Join(_directory, "spool");

        await using SpoolWriter spool = SpoolWriter.Create(path);
        if (readFromStream)
        {
            Assert.True(await spool.ReadFromAsync(new TricklingStream(content), maxBytes: size, ct));
        }
        else
        {
            await WriteInPiecesAsync(spool, content, ct);
        }

        BlobKey key = await spool.CompleteAsync(ct);

        Assert.Equal(content, await File.ReadAllBytesAsync(path, ct));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), key.Sha256Hex);
        Assert.Equal(size, spool.Length);
        // Past the threshold the rest goes to disk with direct I/O, which the file system the tests run on allows.
        Assert.Equal(size > SpoolWriter.DirectThreshold, spool.UsedDirectIo);
    }

    [Fact]
    public async Task ReadFromAsync_AnnouncedSizeAndDirectIoOff_WriteTheSameFile()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] content = Content(MiB + SpoolWriter.ChunkSize + 777, seed: 11);

        await using SpoolWriter announced = SpoolWriter.Create(Path.Join(_directory, "announced"), directThreshold: 256 * 1024);
        announced.ExpectAtLeast(content.Length);
        await announced.ReadFromAsync(new TricklingStream(content), long.MaxValue, ct);
        BlobKey announcedKey = await announced.CompleteAsync(ct);
        await using SpoolWriter buffered = SpoolWriter.Create(Path.Join(_directory, "buffered"), directThreshold: long.MaxValue);
        await buffered.ReadFromAsync(new TricklingStream(content), long.MaxValue, ct);
        BlobKey bufferedKey = await buffered.CompleteAsync(ct);

        Assert.Equal((SpoolWriter.DirectThreshold, true), (announced.DirectFrom, announced.UsedDirectIo));
        Assert.False(buffered.UsedDirectIo);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Join(_directory, "announced"), ct));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Join(_directory, "buffered"), ct));
        Assert.Equal(announcedKey, bufferedKey);
    }

    [Fact]
    public async Task ReadFromAsync_MoreThanTheLimit_StopsReadingAndSaysSo()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] content = Content(3 * MiB, seed: 5);
        var source = new TricklingStream(content);

        await using SpoolWriter spool = SpoolWriter.Create(Path.Join(_directory, "too-large"));
        bool whole = await spool.ReadFromAsync(source, maxBytes: MiB, ct);

        Assert.False(whole);
        Assert.True(source.Position <= MiB + (SpoolWriter.ChunkSize * 2), $"read {source.Position} bytes");
        Assert.True(spool.Length <= MiB);
    }

    [Fact]
    public async Task WriteAsync_DirectIoOff_WritesThroughThePageCacheAlike()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] content = Content(MiB + (2 * SpoolWriter.ChunkSize) + 777, seed: 7);
        string path = Path.Join(_directory, "spool");

        await using SpoolWriter spool = SpoolWriter.Create(path, directThreshold: long.MaxValue);
        await WriteInPiecesAsync(spool, content, ct);
        BlobKey key = await spool.CompleteAsync(ct);

        Assert.False(spool.UsedDirectIo);
        Assert.Equal(content, await File.ReadAllBytesAsync(path, ct));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), key.Sha256Hex);
    }

    [Fact]
    public async Task DisposeAsync_WithoutComplete_ClosesTheFileSoItCanBeDeleted()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = Path.Join(_directory, "abandoned");
        SpoolWriter spool = SpoolWriter.Create(path);
        await spool.WriteAsync(Content(MiB + (2 * SpoolWriter.ChunkSize) + 10, seed: 3), ct);

        await spool.DisposeAsync();
        File.Delete(path);

        Assert.False(File.Exists(path));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await spool.WriteAsync(new byte[1], ct));
    }

    [Fact]
    public async Task Write_PastTheThreshold_IsRefused_TheStartOfAFileOnly()
    {
        await using SpoolWriter spool = SpoolWriter.Create(Path.Join(_directory, "spool"));
        spool.Write(new byte[128]);

        Assert.Throws<InvalidOperationException>(() => spool.Write(new byte[SpoolWriter.DirectThreshold]));
        Assert.Equal(128, spool.Length);
    }

    [Theory]
    [InlineData(0, 300_000, Threshold)] // announced before anything is written: direct from the usual threshold
    [InlineData(0, 256 * 1024, 256 * 1024)] // small enough to be read back: stays in the page cache whole
    [InlineData(70_000, 300_000, 73_728)] // announced late: direct from the next whole block
    [InlineData(1_000, 256 * 1024 + 1, Threshold)]
    public async Task ExpectAtLeast_MoreThanTheStoreReadsBack_StartsDirectIoEarly(int writtenBefore, long announced, long directFrom)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] content = Content(300_000, seed: 21);
        string path = Path.Join(_directory, "spool");

        await using SpoolWriter spool = SpoolWriter.Create(path, 256 * 1024, readBackBytes: 256 * 1024);
        await spool.WriteAsync(content.AsMemory(0, writtenBefore), ct);
        spool.ExpectAtLeast(announced);
        await WriteInPiecesAsync(spool, content.AsMemory(writtenBefore), ct);
        BlobKey key = await spool.CompleteAsync(ct);

        Assert.Equal(directFrom, spool.DirectFrom);
        Assert.Equal(directFrom < content.Length, spool.UsedDirectIo);
        Assert.Equal(content, await File.ReadAllBytesAsync(path, ct));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), key.Sha256Hex);
    }

    [Fact]
    public async Task ExpectAtLeast_AfterDirectIoStarted_ChangesNothing()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] content = Content(3 * Threshold, seed: 22);
        string path = Path.Join(_directory, "spool");

        await using SpoolWriter spool = SpoolWriter.Create(path);
        await spool.WriteAsync(content.AsMemory(0, 2 * Threshold), ct);
        spool.ExpectAtLeast(10 * MiB);
        await spool.WriteAsync(content.AsMemory(2 * Threshold), ct);
        await spool.CompleteAsync(ct);

        Assert.Equal(Threshold, spool.DirectFrom);
        Assert.Equal(content, await File.ReadAllBytesAsync(path, ct));
    }

    [Fact]
    public void Create_ExistingFile_IsRefused()
    {
        string path = Path.Join(_directory, "taken");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Throws<IOException>(() => SpoolWriter.Create(path));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
    }

    /// <summary>Pieces of irregular sizes, as PDVs and network reads arrive, including some larger than a chunk.</summary>
    private static async Task WriteInPiecesAsync(SpoolWriter spool, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var random = new Random(content.Length);
        int offset = 0;
        while (offset < content.Length)
        {
            int n = Math.Min(content.Length - offset, random.Next(1, 3 * SpoolWriter.ChunkSize / 2));
            await spool.WriteAsync(content.Slice(offset, n), ct);
            offset += n;
        }
    }

    /// <summary>A stream that gives fewer bytes than asked, in irregular amounts, as a network connection does.</summary>
    private sealed class TricklingStream(byte[] content) : MemoryStream(content, writable: false)
    {
        private readonly Random _random = new(content.Length);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _random.Next(1, 96 * 1024))], cancellationToken);
    }

    private static byte[] Content(int size, int seed)
    {
        byte[] bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
