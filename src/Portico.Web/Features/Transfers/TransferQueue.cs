using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Dicom.Network;
using Portico.Dicom.Network.Scu;
using Portico.Index;
using Portico.Index.Audit;
using Portico.Web.Features.DicomNetwork;

namespace Portico.Web.Features.Transfers;

/// <summary>
/// Runs study transfers to other PACS in the background: one association per attempt, retries with a doubling delay
/// for the instances not yet accepted, the result per instance, an audit entry when a job ends. Jobs live in memory
/// (the audit log keeps each result); a restart forgets queued jobs.
/// </summary>
public sealed partial class TransferQueue(
    IServiceScopeFactory scopes,
    DicomSender sender,
    IOptions<TransferOptions> options,
    TimeProvider clock,
    ILogger<TransferQueue> logger) : BackgroundService
{
    private readonly Channel<TransferJob> _queue = Channel.CreateUnbounded<TransferJob>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<Guid, TransferJob> _jobs = new();

    public TransferJob Enqueue(string studyInstanceUid, DicomIdentityTarget destination, string requestedBy)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var job = new TransferJob(Guid.CreateVersion7(), studyInstanceUid, destination.IdentityId, destination.ToString(), requestedBy, clock.GetUtcNow());
        _jobs[job.Id] = job;
        _queue.Writer.TryWrite(job);
        Trim();
        return job;
    }

    public TransferJob? Find(Guid id) => _jobs.GetValueOrDefault(id);

    public IEnumerable<TransferJob> All => _jobs.Values.OrderByDescending(j => j.CreatedAt);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (TransferJob job in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RunAsync(job, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Loop top of one job: a bug costs this job only.
                    LogJobCrashed(logger, ex, job.Id);
                    job.Finish($"internal error: {ex.GetType().Name}", clock.GetUtcNow());
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(TransferJob job, CancellationToken cancellationToken)
    {
        DicomIdentityTarget? destination = await sender.FindDestinationAsync(job.IdentityId, cancellationToken);
        string? error = null;
        if (destination is null)
        {
            error = "The destination identity no longer exists or has no host and port.";
        }
        else
        {
            TransferOptions settings = options.Value;
            for (int attempt = 1; attempt <= settings.MaxAttempts; attempt++)
            {
                // Read again for every attempt: a merge or identity change since the last one rewrote the study's files
                // under new blob keys and deleted the old ones, and instances may have arrived or been deleted.
                List<StoredInstance> all = await InstancesAsync(job.StudyInstanceUid, cancellationToken);
                if (all.Count == 0)
                {
                    error = "The study has no instances.";
                    break;
                }

                IReadOnlyList<string> pendingUids = job.Pending(all.Select(i => i.SopInstanceUid));
                var pending = all.Where(i => pendingUids.Contains(i.SopInstanceUid, StringComparer.Ordinal)).ToList();
                job.Start(all.Count, clock.GetUtcNow());
                error = null;
                try
                {
                    await foreach (var _ in sender.SendAsync(destination, pending, settings.CallingAETitle, cancellationToken, job.Record))
                    {
                    }
                }
                catch (Exception ex) when (ex is DicomAssociationRejectedException or DicomNetworkProtocolException or IOException or SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
                {
                    error = ex.Message;
                }

                if (job.Pending(all.Select(i => i.SopInstanceUid)).Count == 0)
                {
                    break;
                }

                error ??= "The destination refused some instances.";
                if (attempt < settings.MaxAttempts)
                {
                    job.Retrying(error);
                    LogRetrying(logger, job.Id, attempt, error);
                    await Task.Delay(settings.RetryDelay * Math.Pow(2, attempt - 1), clock, cancellationToken);
                }
            }
        }

        job.Finish(error, clock.GetUtcNow());
        await AuditAsync(job, cancellationToken);
    }

    private async Task<List<StoredInstance>> InstancesAsync(string studyUid, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        return await db.Instances.AsNoTracking()
            .Where(i => i.Series.Study.StudyInstanceUid == studyUid)
            .OrderBy(i => i.Series.SeriesNumber).ThenBy(i => i.InstanceNumber)
            .Select(i => new StoredInstance(i.SopClassUid, i.SopInstanceUid, i.TransferSyntaxUid, i.BlobKey))
            .ToListAsync(cancellationToken);
    }

    private async Task AuditAsync(TransferJob job, CancellationToken cancellationToken)
    {
        TransferJobSnapshot s = job.Snapshot(withInstances: false);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = s.RequestedBy,
            ActorKind = ActorKind.User,
            Action = "Study.TransferFinished",
            Target = "study/" + s.StudyInstanceUid,
            Details = JsonSerializer.Serialize(new { job = s.Id, destination = s.Destination, state = s.State.ToString(), s.Total, s.Sent, s.Failed, s.Attempts, error = s.LastError }),
        });
        await db.SaveChangesAsync(cancellationToken);
        LogFinished(logger, s.Id, s.State, s.Sent, s.Total);
    }

    private void Trim()
    {
        int keep = options.Value.KeepFinished;
        TransferJob[] finished = [.. _jobs.Values.Where(j => j.IsFinished).OrderByDescending(j => j.CreatedAt).Skip(keep)];
        foreach (TransferJob job in finished)
        {
            _jobs.TryRemove(job.Id, out _);
        }
    }

    [LoggerMessage(5610, LogLevel.Warning, "Transfer {JobId}: attempt {Attempt} incomplete ({Error}); retrying")]
    private static partial void LogRetrying(ILogger logger, Guid jobId, int attempt, string error);

    [LoggerMessage(5611, LogLevel.Information, "Transfer {JobId} finished: {State}, {Sent} of {Total} sent")]
    private static partial void LogFinished(ILogger logger, Guid jobId, TransferState state, int sent, int total);

    [LoggerMessage(5612, LogLevel.Error, "Transfer {JobId} failed with an internal error")]
    private static partial void LogJobCrashed(ILogger logger, Exception exception, Guid jobId);
}
