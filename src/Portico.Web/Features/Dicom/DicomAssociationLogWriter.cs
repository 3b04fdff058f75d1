using System.Net;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Dicom.Network.Scp;
using Portico.Index;
using Portico.Index.Dicom;

namespace Portico.Web.Features.Dicom;

/// <summary>
/// The association log: <see cref="Write"/> takes every <see cref="AssociationRecord"/> (the DICOM server's
/// AssociationEnded) into a bounded queue without blocking the network; this background service writes them as
/// <see cref="DicomAssociationLogEntry"/> rows in batches, in the same transaction as the usage of the identities they
/// name (last association, totals, last refusal and why). Rows older than
/// <see cref="DicomOptions.AssociationLogRetention"/> (default 90 days) are deleted at start and then daily.
/// </summary>
public sealed partial class DicomAssociationLogWriter(
    IDbContextFactory<PorticoDbContext> contexts,
    IOptions<DicomOptions> options,
    TimeProvider clock,
    ILogger<DicomAssociationLogWriter> logger) : BackgroundService
{
    /// <summary>Records held while the index is slow; beyond this, records are dropped (and counted in the log).</summary>
    public const int QueueCapacity = 10_000;

    private const int MaxBatch = 500;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromDays(1);

    private readonly Channel<AssociationRecord> _queue = Channel.CreateBounded<AssociationRecord>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _dropped;

    /// <summary>Queues a record; never blocks. False (and a warning) when the queue is full.</summary>
    public bool Write(AssociationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_queue.Writer.TryWrite(record))
        {
            return true;
        }

        long dropped = Interlocked.Increment(ref _dropped);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            LogDropped(logger, dropped);
        }

        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task sweeping = SweepLoopAsync(stoppingToken);
        List<AssociationRecord> batch = new(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out AssociationRecord? record))
                {
                    batch.Add(record);
                }

                try
                {
                    await WriteBatchAsync(batch, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogWriteFailed(logger, batch.Count, ex);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await sweeping;
    }

    /// <summary>Writes one batch: the rows and the usage of the identities they name, in one transaction.</summary>
    internal async Task WriteBatchAsync(IReadOnlyList<AssociationRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        await using PorticoDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        // Refusals carry no identity: find it by the calling AE title (exact) to log and count the refusal against it.
        string[] callers = [.. records.Where(r => r.PolicyState is not DicomIdentityState && r.CallingAETitle is not null).Select(r => r.CallingAETitle!).Distinct(StringComparer.Ordinal)];
        Dictionary<string, DicomIdentityId> byAETitle = callers.Length == 0
            ? []
            : await db.DicomIdentities.AsNoTracking().Where(i => callers.Contains(i.AETitle))
                .ToDictionaryAsync(i => i.AETitle, i => i.Id, StringComparer.Ordinal, cancellationToken);

        Dictionary<DicomIdentityId, Usage> usage = [];
        foreach (AssociationRecord record in records)
        {
            bool accepted = IsAccepted(record);
            DicomIdentityId? identityId = record.PolicyState is DicomIdentityState state
                ? new DicomIdentityId(state.IdentityId)
                : record.CallingAETitle is { } ae && byAETitle.TryGetValue(ae, out DicomIdentityId found) ? found : null;
            DicomAssociationLogEntry entry = ToEntry(record, accepted, identityId);
            db.DicomAssociationLog.Add(entry);
            if (identityId is { } id)
            {
                Usage u = usage.TryGetValue(id, out Usage? existing) ? existing : usage[id] = new Usage();
                DateTime ended = entry.StartedAt + record.Duration;
                if (accepted)
                {
                    u.Associations++;
                    u.Instances += Math.Max(0, record.StoreCount - record.StoreFailedCount);
                    u.Bytes += record.BytesReceived;
                    u.LastAssociationAt = Max(u.LastAssociationAt, ended);
                }
                else if (u.LastRefusedAt is null || ended >= u.LastRefusedAt)
                {
                    u.LastRefusedAt = ended;
                    u.LastRefusalReason = entry.Detail ?? entry.RejectReason ?? entry.Outcome;
                }
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        foreach ((DicomIdentityId id, Usage u) in usage)
        {
            // Increments in SQL, so several nodes writing the same identity's usage never lose counts.
            if (u.Associations > 0)
            {
                DateTime last = u.LastAssociationAt!.Value;
                await db.DicomIdentities.Where(i => i.Id == id).ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.AssociationCount, i => i.AssociationCount + u.Associations)
                        .SetProperty(i => i.InstancesReceived, i => i.InstancesReceived + u.Instances)
                        .SetProperty(i => i.BytesReceived, i => i.BytesReceived + u.Bytes)
                        .SetProperty(i => i.LastAssociationAt, last),
                    cancellationToken);
            }

            if (u.LastRefusedAt is { } refusedAt)
            {
                string? reason = IndexLimits.Fit(u.LastRefusalReason, IndexLimits.ReasonMaxLength);
                await db.DicomIdentities.Where(i => i.Id == id).ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.LastRefusedAt, refusedAt).SetProperty(i => i.LastRefusalReason, reason),
                    cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        LogBatchWritten(logger, records.Count);
    }

    /// <summary>Deletes rows older than the retention; returns how many.</summary>
    internal async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        DateTime cutoff = clock.GetUtcNow().UtcDateTime - options.Value.AssociationLogRetention;
        await using PorticoDbContext db = await contexts.CreateDbContextAsync(cancellationToken);
        int deleted = await db.DicomAssociationLog.Where(e => e.StartedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            LogSwept(logger, deleted, cutoff);
        }

        return deleted;
    }

    /// <summary>An A-ASSOCIATE-AC was sent: not refused, and an A-ASSOCIATE-RQ was read at all.</summary>
    internal static bool IsAccepted(AssociationRecord record) =>
        record.PolicyState is DicomIdentityState
        || (record.Outcome is not (AssociationOutcome.Rejected or AssociationOutcome.ArtimExpired) && record.CallingAETitle is not null && record.RejectResult is null);

    private static DicomAssociationLogEntry ToEntry(AssociationRecord record, bool accepted, DicomIdentityId? identityId) => new()
    {
        StartedAt = record.StartedAt.UtcDateTime,
        DurationMilliseconds = (long)record.Duration.TotalMilliseconds,
        CallingAETitle = IndexLimits.Fit(record.CallingAETitle, DicomIdentity.AETitleMaxLength),
        CalledAETitle = IndexLimits.Fit(record.CalledAETitle, DicomIdentity.AETitleMaxLength),
        RemoteAddress = record.RemoteEndPoint switch
        {
            IPEndPoint ip => (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(),
            null => null,
            EndPoint other => IndexLimits.Fit(other.ToString(), IndexLimits.AddressMaxLength),
        },
        LocalPort = record.LocalPort,
        TlsMode = record.Security.ToString(),
        Outcome = record.Outcome.ToString(),
        Accepted = accepted,
        RejectResult = record.RejectResult?.ToString(),
        RejectSource = record.RejectSource?.ToString(),
        RejectReason = record.RejectReason?.ToString(),
        Detail = IndexLimits.Fit(record.Detail, IndexLimits.ReasonMaxLength),
        IdentityId = identityId,
        EchoCount = record.EchoCount,
        StoreCount = record.StoreCount,
        StoreFailedCount = record.StoreFailedCount,
        FindCount = record.FindCount,
        MoveCount = record.MoveCount,
        GetCount = record.GetCount,
        BytesReceived = record.BytesReceived,
        BytesSent = record.BytesSent,
    };

    private async Task SweepLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, clock);
        try
        {
            do
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static DateTime Max(DateTime? a, DateTime b) => a is { } value && value > b ? value : b;


    private sealed class Usage
    {
        public long Associations { get; set; }

        public long Instances { get; set; }

        public long Bytes { get; set; }

        public DateTime? LastAssociationAt { get; set; }

        public DateTime? LastRefusedAt { get; set; }

        public string? LastRefusalReason { get; set; }
    }

    [LoggerMessage(5700, LogLevel.Debug, "Association log: {Count} records written")]
    private static partial void LogBatchWritten(ILogger logger, int count);

    [LoggerMessage(5701, LogLevel.Error, "Association log: writing {Count} records failed; they are lost")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(5702, LogLevel.Warning, "Association log queue full: {Dropped} records dropped so far (the index is too slow)")]
    private static partial void LogDropped(ILogger logger, long dropped);

    [LoggerMessage(5703, LogLevel.Information, "Association log: {Count} rows older than {Cutoff:u} deleted")]
    private static partial void LogSwept(ILogger logger, int count, DateTime cutoff);

    [LoggerMessage(5704, LogLevel.Warning, "Association log retention sweep failed; it is retried tomorrow")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
