using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Xunit;

namespace Portico.Ingest.Tests.Pipeline;

/// <summary>
/// Read-your-writes: instances answered before their index row commits (C-STORE's path) are found by anyone who waits
/// for <see cref="IndexCommitter.WhenCommittedAsync"/>, without sitting out the rest of the rows' gathering window.
/// </summary>
public sealed class CommitBarrierTests
{
    private static readonly IngestSource Device = new(IngestSourceKind.DicomIdentity, "identity-1", "MODALITY", "192.0.2.10:104");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rows_answered_before_their_commit_are_committed_when_someone_waits_for_them()
    {
        // A gathering window far longer than the test's patience: only the barrier can commit these rows in time.
        await using PipelineHost host = await PipelineHost.StartAsync(settings: new() { ["Portico:Ingest:BackgroundCommitWindow"] = "00:10:00" });
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        IndexCommitter committer = host.Services.GetRequiredService<IndexCommitter>();
        IngestOutcome[] answered = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            pipeline.IngestFileAsync(host.Spool("CT_small.dcm"), null, Device, waitForIndex: false, Ct)));
        Assert.All(answered, o => Assert.Equal(IngestStatus.Stored, o.Status));
        Assert.True(committer.HasUncommitted);
        Assert.Equal(0, await CountAsync(host, answered));

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        await committer.WhenCommittedAsync(patience.Token);

        Assert.Equal(5, await CountAsync(host, answered));
    }

    [Fact]
    public async Task A_row_someone_waits_for_is_committed_at_once_with_the_rows_gathering_before_it()
    {
        // Rows nobody waits for gather for ten minutes; an upload that waits for its row must not wait with them.
        await using PipelineHost host = await PipelineHost.StartAsync(settings: new() { ["Portico:Ingest:BackgroundCommitWindow"] = "00:10:00" });
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        IngestOutcome[] answered = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            pipeline.IngestFileAsync(host.Spool("CT_small.dcm"), null, Device, waitForIndex: false, Ct)));
        Assert.Equal(0, await CountAsync(host, answered));

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        IngestOutcome waited = await pipeline.IngestFileAsync(host.Spool("CT_small.dcm"), null, Device, waitForIndex: true, patience.Token);

        Assert.Equal(IngestStatus.Stored, waited.Status);
        Assert.Equal(4, await CountAsync(host, [.. answered, waited]));
    }

    [Fact]
    public async Task Without_rows_waiting_the_barrier_is_passed_at_once()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        IndexCommitter committer = host.Services.GetRequiredService<IndexCommitter>();
        IngestOutcome stored = await host.Services.GetRequiredService<IngestPipeline>().IngestFileAsync(host.Spool("CT_small.dcm"), null, Device, waitForIndex: true, Ct);

        Task barrier = committer.WhenCommittedAsync(Ct);

        Assert.False(committer.HasUncommitted);
        Assert.True(barrier.IsCompletedSuccessfully);
        Assert.Equal(1, await CountAsync(host, [stored]));
    }

    private static async Task<int> CountAsync(PipelineHost host, IngestOutcome[] outcomes)
    {
        string[] uids = [.. outcomes.Select(o => o.SopInstanceUid!)];
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Instances.CountAsync(i => uids.Contains(i.SopInstanceUid), Ct);
    }
}
