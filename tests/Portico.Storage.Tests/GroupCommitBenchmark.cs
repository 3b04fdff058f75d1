using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace Portico.Storage.Tests;

/// <summary>
/// Group-commit figures: 500 concurrent 10 KB durable writes per configuration, configurations interleaved over several
/// rounds (each on a fresh store), medians reported. Explicit, not part of the normal run; in Release:
/// <c>dotnet build tests/Portico.Storage.Tests -c Release</c>, then run the test executable with
/// <c>-class Portico.Storage.Tests.GroupCommitBenchmark -explicit only -showLiveOutput</c>.
/// </summary>
[Collection(nameof(LargeWriteTests))]
public sealed class GroupCommitBenchmark
{
    private const int Writers = 500;
    private const int Size = 10 * 1024;
    private const int Rounds = 5;

    [Fact(Explicit = true)]
    public async Task WriteAsync_500ConcurrentWrites_ReportsGroupCommitFigures()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        (string Name, Action<BlobStoreOptions> Configure, bool SyncFileSystem)[] configurations =
        [
            ("no grouping (MaxGroupSize 1), fsync", o => o.MaxGroupSize = 1, false),
            ("grouped, fsync per file and dir", _ => { }, false),
            ("grouped, syncfs (default)", _ => { }, true),
            ("grouped, syncfs, window 0", o => o.GroupCommitWindow = TimeSpan.Zero, true),
            ("fsync off (not durable; reference)", o => o.Fsync = false, false),
        ];
        var results = configurations.Select(_ => new List<Run>()).ToArray();

        for (int round = 0; round < Rounds; round++)
        {
            for (int c = 0; c < configurations.Length; c++)
            {
                await using TestStore test = TestStore.Create(configurations[c].Configure, configurations[c].SyncFileSystem);
                results[c].Add(await RunAsync(test, (ulong)(round * 1_000_000), ct));
            }
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Writers} concurrent durable writes of {Size / 1024} KB, {Environment.ProcessorCount} cores, median of {Rounds} rounds (each round: fresh store)");
        report.AppendLine("configuration                        | total ms | writes/s | p50 ms | p99 ms | groups | data flushes | dir flushes");
        for (int c = 0; c < configurations.Length; c++)
        {
            Run median = results[c].OrderBy(r => r.TotalMs).ElementAt(Rounds / 2);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"{configurations[c].Name,-36} | {median.TotalMs,8:F0} | {Writers / (median.TotalMs / 1000),8:F0} | {median.P50Ms,6:F1} | {median.P99Ms,6:F1} | {median.Groups,6} | {median.DataFlushes,12} | {median.MetadataFlushes,11}");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"{"  all rounds, total ms:",-36} | {string.Join(" ", results[c].Select(r => r.TotalMs.ToString("F0", CultureInfo.InvariantCulture)))}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
    }

    private static async Task<Run> RunAsync(TestStore test, ulong seedBase, CancellationToken ct)
    {
        // Warm up (JIT, thread pool), then count from zero.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => test.Store.WriteAsync(new GeneratedStream(Size, seed: seedBase + 900_000 + (ulong)i), Size, ct), ct)));
        long groups = test.Store.Flusher.Groups;
        long dataFlushes = test.Store.Flusher.DataFlushes;
        long metadataFlushes = test.Store.Flusher.MetadataFlushes;

        var latencies = new double[Writers];
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(
            async () =>
            {
                long started = Stopwatch.GetTimestamp();
                await test.Store.WriteAsync(new GeneratedStream(Size, seed: seedBase + 1 + (ulong)i), Size, ct);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            },
            ct)));
        total.Stop();

        Array.Sort(latencies);
        return new Run(
            total.Elapsed.TotalMilliseconds,
            latencies[Writers / 2],
            latencies[(Writers * 99) / 100],
            test.Store.Flusher.Groups - groups,
            test.Store.Flusher.DataFlushes - dataFlushes,
            test.Store.Flusher.MetadataFlushes - metadataFlushes);
    }

    private sealed record Run(double TotalMs, double P50Ms, double P99Ms, long Groups, long DataFlushes, long MetadataFlushes);
}
