using System.Security.Cryptography;
using Xunit;

namespace Portico.Storage.Tests;

/// <summary>Counts allocations of the whole process, so runs alone (after the parallel tests).</summary>
[CollectionDefinition(nameof(LargeWriteTests), DisableParallelization = true)]
public sealed class LargeWriteCollection;

[Collection(nameof(LargeWriteTests))]
public sealed class LargeWriteTests
{
    private const long Size = 300L * 1024 * 1024;

    [Fact]
    public async Task WriteAsync_300Megabytes_StreamsWithLowAllocation()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using TestStore test = TestStore.Create();
        await test.Store.WriteAsync(new GeneratedStream(1 << 20, seed: 1), long.MaxValue, ct); // warm up (JIT, pools)

        long before = GC.GetTotalAllocatedBytes(precise: true);
        BlobInfo info = await test.Store.WriteAsync(new GeneratedStream(Size, seed: 2), Size, ct);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"allocated {allocated:N0} bytes while writing {Size:N0}");

        Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated:N0} bytes for a {Size:N0}-byte write");
        Assert.Equal(Size, info.Length);
        var expected = new GeneratedStream(Size, seed: 2);
        Assert.Equal(Convert.ToHexStringLower(await SHA256.HashDataAsync(expected, ct)), info.Key.Sha256Hex);
        Assert.Equal(Size, test.Store.GetLength(info.Key));
        Assert.Empty(test.TempFiles());
    }
}
