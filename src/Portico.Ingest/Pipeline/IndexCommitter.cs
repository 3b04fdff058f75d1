using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Storage;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// Group commit for the index: instances from concurrent uploads are gathered for a few milliseconds and written
/// in one transaction, so many uploads share one commit (and one SQLite fsync). One writer, which is also what
/// SQLite wants. The answer for an instance is given only after its transaction commits.
/// </summary>
public sealed partial class IndexCommitter(
    IServiceScopeFactory scopes,
    IBlobStore blobs,
    StoredInstanceLookup storedInstances,
    SqliteIngestWriter directWriter,
    IngestEvents events,
    IOptions<IngestOptions> options,
    ILogger<IndexCommitter> logger) : BackgroundService
{
    private readonly Channel<Queued> _queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = true });

    // Compiled once per committer: every batch runs these three look-ups, and EF Core's per-query translation and cache
    // look-up were a visible share of the committer's time with small batches. Not static: a compiled query is bound to
    // one model, and a process may host servers on SQLite and on PostgreSQL (the tests do).
    private readonly Func<PorticoDbContext, string[], IAsyncEnumerable<Instance>> _instancesByUid = EF.CompileAsyncQuery(
        (PorticoDbContext db, string[] uids) => db.Instances.Include(i => i.Series).ThenInclude(s => s.Study).Where(i => uids.Contains(i.SopInstanceUid)));

    private readonly Func<PorticoDbContext, string[], IAsyncEnumerable<Study>> _studiesByUid = EF.CompileAsyncQuery(
        (PorticoDbContext db, string[] uids) => db.Studies.Include(s => s.Patient).Where(s => uids.Contains(s.StudyInstanceUid)));

    private readonly Func<PorticoDbContext, string[], IAsyncEnumerable<Series>> _seriesByUid = EF.CompileAsyncQuery(
        (PorticoDbContext db, string[] uids) => db.Series.Where(s => uids.Contains(s.SeriesInstanceUid)));

    // SOP Instance UIDs answered as Stored whose rows are not committed yet (with the content's SHA-256).
    private readonly ConcurrentDictionary<string, string> _uncommitted = new(StringComparer.Ordinal);

    // Set while the committer waits out a batch's window for rows nobody waits for; completed by a row someone waits for.
    private TaskCompletionSource? _waiterArrived;

    // Rows someone waits for, and barriers, queued and not yet taken by the committer.
    private int _waitedQueued;

    /// <summary>
    /// Decides a durable instance's outcome now and commits its row in the background: a new instance is answered
    /// <see cref="IngestStatus.Stored"/> without waiting for the transaction, an identical one
    /// <see cref="IngestStatus.Duplicate"/>. Anything else (a conflict, the same UID arriving while its first row is
    /// still uncommitted, more than <see cref="IngestOptions.MaxUncommitted"/> rows waiting) takes the
    /// <see cref="CommitAsync"/> path and its answer. A background commit that fails leaves the blob for start-up
    /// recovery to index, and says so in the log.
    /// </summary>
    public async Task<IngestOutcome> CommitInBackgroundAsync(PendingInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        string uid = instance.Header.SopInstanceUid;
        string sha = instance.Blob.Key.Sha256Hex;
        if (_uncommitted.Count >= options.Value.MaxUncommitted || !_uncommitted.TryAdd(uid, sha))
        {
            return await CommitAsync(instance, cancellationToken).ConfigureAwait(false);
        }

        string? stored;
        try
        {
            stored = await storedInstances.FindSha256Async(uid, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _uncommitted.TryRemove(uid, out _);
            throw;
        }

        if (stored is not null)
        {
            _uncommitted.TryRemove(uid, out _);
            return string.Equals(stored, sha, StringComparison.Ordinal)
                ? IngestOutcome.Duplicate(instance.Header, instance.Header.StudyInstanceUid)
                : await CommitAsync(instance, cancellationToken).ConfigureAwait(false);
        }

        // The row is written whatever the caller does next: the file is already durable.
        Task<IngestOutcome> commit = Enqueue(instance, background: true);
        _ = FinishInBackgroundAsync(commit, uid);
        return IngestOutcome.Stored(instance.Header);
    }

    private async Task FinishInBackgroundAsync(Task<IngestOutcome> commit, string uid)
    {
        try
        {
            IngestOutcome outcome = await commit.ConfigureAwait(false);
            if (outcome.Status != IngestStatus.Stored)
            {
                LogBackgroundCommitChanged(logger, uid, outcome.Status);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Top of a background job: the answer is given, the file is durable; recovery indexes it at the next start.
            LogBackgroundCommitFailed(logger, uid, ex);
        }
        finally
        {
            _uncommitted.TryRemove(uid, out _);
        }
    }

    /// <summary>True while some instance answered as stored has no committed index row yet.</summary>
    public bool HasUncommitted => !_uncommitted.IsEmpty;

    /// <summary>
    /// Read-your-writes for queries: completes once every instance answered before this call has its index row
    /// committed (at once when none waits). The rows waiting are committed now, without the rest of their gathering
    /// window. A C-FIND or a study look-up right after a C-STORE then finds the instance.
    /// </summary>
    public Task WhenCommittedAsync(CancellationToken cancellationToken)
    {
        if (_uncommitted.IsEmpty)
        {
            return Task.CompletedTask;
        }

        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return TryQueue(new Queued(null, null, Background: false, barrier))
            ? barrier.Task.WaitAsync(cancellationToken)
            : Task.CompletedTask; // stopping: nothing more will be committed
    }

    public Task<IngestOutcome> CommitAsync(PendingInstance instance, CancellationToken cancellationToken) =>
        // The commit goes ahead even if the caller gives up: the blob is already durable.
        Enqueue(instance, background: false).WaitAsync(cancellationToken);

    private Task<IngestOutcome> Enqueue(PendingInstance instance, bool background)
    {
        var done = new TaskCompletionSource<IngestOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!TryQueue(new Queued(instance, done, background)))
        {
            throw new InvalidOperationException("The index committer has stopped.");
        }

        return done.Task;
    }

    /// <summary>Queues an item; one someone waits for (a row or a barrier) is counted and ends a gathering wait.</summary>
    private bool TryQueue(Queued item)
    {
        if (item.Background)
        {
            return _queue.Writer.TryWrite(item);
        }

        Interlocked.Increment(ref _waitedQueued);
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _waitedQueued);
            return false;
        }

        Volatile.Read(ref _waiterArrived)?.TrySetResult();
        return true;
    }

    /// <summary>
    /// A queued instance (<paramref name="Background"/> when nobody waits for its commit), or a
    /// <paramref name="Barrier"/> of <see cref="WhenCommittedAsync"/>, released once the rows queued before it are committed.
    /// </summary>
    private sealed record Queued(PendingInstance? Instance, TaskCompletionSource<IngestOutcome>? Done, bool Background, TaskCompletionSource? Barrier = null);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start does not wait for what follows
        PrepareDirectWrites();
        var batch = new List<(PendingInstance Instance, TaskCompletionSource<IngestOutcome> Done)>();
        var barriers = new List<TaskCompletionSource>();
        ChannelReader<Queued> reader = _queue.Reader;
        while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            batch.Clear();
            barriers.Clear();
            DateTime started = DateTime.UtcNow;
            bool someoneWaits = false;
            while (batch.Count < options.Value.MaxCommitBatch)
            {
                if (reader.TryRead(out Queued? item))
                {
                    if (!item.Background)
                    {
                        Interlocked.Decrement(ref _waitedQueued);
                    }

                    if (item.Barrier is not null)
                    {
                        barriers.Add(item.Barrier);
                        break; // someone waits for the rows before it: commit them now
                    }

                    batch.Add((item.Instance!, item.Done!));
                    someoneWaits |= !item.Background;
                    continue;
                }

                // Rows nobody waits for gather longer: one transaction for many costs no one any latency.
                TimeSpan window = someoneWaits ? options.Value.CommitWindow : options.Value.BackgroundCommitWindow;
                TimeSpan left = started + window - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                if (!someoneWaits)
                {
                    await GatherAsync(left, stoppingToken).ConfigureAwait(false);
                    continue; // takes what arrived; then the window is over, or someone waits now
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(left);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }

            if (batch.Count > 0)
            {
                await CommitBatchAsync(batch, stoppingToken).ConfigureAwait(false);
            }

            foreach (TaskCompletionSource barrier in barriers)
            {
                barrier.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Waits out the rest of a batch's window while only rows nobody waits for are queued: those do not wake the
    /// committer one by one (each wake-up is a thread hand-off, on every instance of a busy association). A row someone
    /// waits for, or a barrier, ends the wait at once (<see cref="TryQueue"/>).
    /// </summary>
    private async Task GatherAsync(TimeSpan left, CancellationToken stoppingToken)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiterArrived, waiter);
        try
        {
            // A row that arrived before the signal was in place found nothing to signal: take it first.
            if (Volatile.Read(ref _waitedQueued) > 0)
            {
                return;
            }

            await Task.WhenAny(Task.Delay(left, stoppingToken), waiter.Task).ConfigureAwait(false);
            stoppingToken.ThrowIfCancellationRequested();
        }
        finally
        {
            Interlocked.CompareExchange(ref _waiterArrived, null, waiter);
        }
    }

    private void PrepareDirectWrites()
    {
        if (!options.Value.DirectSqliteIndexWrites)
        {
            return; // Prepare itself does nothing where the writer is not available
        }

        try
        {
            directWriter.Prepare();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Top of a background job's start: the first batch tries again, and fails visibly if it still cannot.
            LogPrepareFailed(logger, ex);
        }
    }

    private async Task CommitBatchAsync(List<(PendingInstance Instance, TaskCompletionSource<IngestOutcome> Done)> batch, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<IngestOutcome> outcomes = await WriteAsync(batch.Select(b => b.Instance).ToList(), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(outcomes[i]);
            }

            LogCommitted(logger, batch.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && batch.Count > 1)
        {
            // One bad instance (or a race with another node) must not fail the others: retry one by one.
            LogBatchRetried(logger, batch.Count, ex);
            foreach ((PendingInstance instance, TaskCompletionSource<IngestOutcome> done) in batch)
            {
                try
                {
                    IReadOnlyList<IngestOutcome> single = await WriteAsync([instance], cancellationToken).ConfigureAwait(false);
                    done.TrySetResult(single[0]);
                }
                catch (Exception inner) when (inner is not OperationCanceledException)
                {
                    done.TrySetException(inner);
                }
            }
        }
        catch (Exception ex)
        {
            foreach ((_, TaskCompletionSource<IngestOutcome> done) in batch)
            {
                done.TrySetException(ex);
            }
        }
    }

    private async Task<IReadOnlyList<IngestOutcome>> WriteAsync(List<PendingInstance> pending, CancellationToken cancellationToken)
    {
        List<IngestOutcome>? outcomes = options.Value.DirectSqliteIndexWrites && directWriter.IsAvailable ? WriteDirect(pending) : null;
        outcomes ??= await WriteWithContextAsync(pending, cancellationToken).ConfigureAwait(false);
        Publish(outcomes);
        return outcomes;
    }

    /// <summary>
    /// The common batch on SQLite, without EF Core (<see cref="SqliteIngestWriter"/>): new instances and identical
    /// duplicates, without study labels. Null, with nothing written, when the batch needs more (a conflict, a label):
    /// <see cref="WriteWithContextAsync"/> then writes it. Keeps the same rows and counts as that path.
    /// </summary>
    private List<IngestOutcome>? WriteDirect(List<PendingInstance> pending)
    {
        if (pending.Exists(p => p.StudyLabels.Count > 0))
        {
            return null;
        }

        using SqliteIngestWriter.Batch batch = directWriter.Begin();
        var outcomes = new List<IngestOutcome>(pending.Count);
        var stored = new Dictionary<string, (string Sha256, string StudyInstanceUid)>(StringComparer.Ordinal);
        var studies = new Dictionary<string, Study>(StringComparer.Ordinal);
        var series = new Dictionary<string, Series>(StringComparer.Ordinal);
        var newStudies = new HashSet<Study>();
        var newSeries = new HashSet<Series>();
        var instances = new List<Instance>(pending.Count);
        foreach (PendingInstance p in pending)
        {
            InstanceHeader h = p.Header;
            string sha = p.Blob.Key.Sha256Hex;
            if ((stored.TryGetValue(h.SopInstanceUid, out var earlier) ? earlier : batch.FindInstance(h.SopInstanceUid)) is { } existing)
            {
                if (!string.Equals(existing.Sha256, sha, StringComparison.Ordinal))
                {
                    return null; // a conflict: its policy is applied by the other path
                }

                outcomes.Add(IngestOutcome.Duplicate(h, existing.StudyInstanceUid));
                continue;
            }

            if (!studies.TryGetValue(h.StudyInstanceUid, out Study? study))
            {
                study = batch.FindStudy(h.StudyInstanceUid);
                if (study is null)
                {
                    study = NewStudy(h, p);
                    newStudies.Add(study);
                }

                studies.Add(h.StudyInstanceUid, study);
            }

            if (!series.TryGetValue(h.SeriesInstanceUid, out Series? s))
            {
                s = batch.FindSeries(h.SeriesInstanceUid);
                if (s is null)
                {
                    s = NewSeries(h, study);
                    newSeries.Add(s);
                    study.NumberOfSeries++;
                    AddModality(study, s.Modality);
                }

                series.Add(h.SeriesInstanceUid, s);
            }

            Instance instance = NewInstance(h, p, s);
            instances.Add(instance);
            stored.Add(h.SopInstanceUid, (sha, h.StudyInstanceUid));
            s.NumberOfInstances++;
            study.NumberOfInstances++;
            study.SizeBytes += p.Blob.Length;
            study.LastReceivedAt = p.ReceivedAt.UtcDateTime;
            outcomes.Add(IngestOutcome.Stored(h));
        }

        // Parents first, for the foreign keys; the counts are final by now. Every study and series here gained an instance.
        foreach (Study study in studies.Values)
        {
            if (newStudies.Contains(study))
            {
                batch.Insert(study.Patient);
                batch.Insert(study);
            }
            else
            {
                batch.UpdateCounts(study);
            }
        }

        foreach (Series s in series.Values)
        {
            if (newSeries.Contains(s))
            {
                batch.Insert(s);
            }
            else
            {
                batch.UpdateCounts(s);
            }
        }

        instances.ForEach(batch.Insert);
        batch.Commit();
        return outcomes;
    }

    private async Task<List<IngestOutcome>> WriteWithContextAsync(List<PendingInstance> pending, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        string[] sopUids = pending.Select(p => p.Header.SopInstanceUid).Distinct().ToArray();
        string[] studyUids = pending.Select(p => p.Header.StudyInstanceUid).Distinct().ToArray();
        string[] seriesUids = pending.Select(p => p.Header.SeriesInstanceUid).Distinct().ToArray();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var instances = new Dictionary<string, Instance>(StringComparer.Ordinal);
        await foreach (Instance i in _instancesByUid(db, sopUids).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            instances[i.SopInstanceUid] = i;
        }

        var studies = new Dictionary<string, Study>(StringComparer.Ordinal);
        await foreach (Study s in _studiesByUid(db, studyUids).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            studies[s.StudyInstanceUid] = s;
        }

        var series = new Dictionary<string, Series>(StringComparer.Ordinal);
        await foreach (Series s in _seriesByUid(db, seriesUids).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            series[s.SeriesInstanceUid] = s;
        }

        var outcomes = new List<IngestOutcome>(pending.Count);
        var orphanCandidates = new List<BlobKey>();
        foreach (PendingInstance p in pending)
        {
            InstanceHeader h = p.Header;
            string sha = p.Blob.Key.Sha256Hex;
            if (instances.TryGetValue(h.SopInstanceUid, out Instance? existing))
            {
                if (string.Equals(existing.Sha256, sha, StringComparison.Ordinal))
                {
                    outcomes.Add(IngestOutcome.Duplicate(h, existing.Series.Study.StudyInstanceUid));
                    continue;
                }

                if (options.Value.OnConflict == ConflictPolicy.Overwrite)
                {
                    orphanCandidates.Add(BlobKey.Parse(existing.BlobKey));
                    Study owner = existing.Series.Study;
                    owner.SizeBytes += p.Blob.Length - existing.SizeBytes;
                    existing.Sha256 = sha;
                    existing.BlobKey = sha;
                    existing.SizeBytes = p.Blob.Length;
                    existing.TransferSyntaxUid = h.TransferSyntaxUid;
                    existing.ReceivedAt = p.ReceivedAt.UtcDateTime;
                    existing.Source = p.Source;
                    owner.LastReceivedAt = p.ReceivedAt.UtcDateTime;
                    outcomes.Add(new IngestOutcome(IngestStatus.Conflict, h.SopInstanceUid, owner.StudyInstanceUid, "An instance with this SOP Instance UID was stored with different content; it was replaced (Portico:Ingest:OnConflict=Overwrite).") { SopClassUid = h.SopClassUid, SeriesInstanceUid = h.SeriesInstanceUid });
                }
                else
                {
                    orphanCandidates.Add(p.Blob.Key);
                    outcomes.Add(new IngestOutcome(IngestStatus.Conflict, h.SopInstanceUid, existing.Series.Study.StudyInstanceUid, "An instance with this SOP Instance UID is already stored with different content; the stored one was kept."));
                }

                continue;
            }

            if (!studies.TryGetValue(h.StudyInstanceUid, out Study? study))
            {
                study = NewStudy(h, p);
                db.Studies.Add(study);
                studies.Add(h.StudyInstanceUid, study);
            }

            if (!series.TryGetValue(h.SeriesInstanceUid, out Series? s))
            {
                s = NewSeries(h, study);
                db.Series.Add(s);
                series.Add(h.SeriesInstanceUid, s);
                study.NumberOfSeries++;
                AddModality(study, s.Modality);
            }

            Instance instance = NewInstance(h, p, s);
            db.Instances.Add(instance);
            instances.Add(h.SopInstanceUid, instance);
            s.NumberOfInstances++;
            study.NumberOfInstances++;
            study.SizeBytes += p.Blob.Length;
            study.LastReceivedAt = p.ReceivedAt.UtcDateTime;
            outcomes.Add(IngestOutcome.Stored(h));
        }

        await AddStudyLabelsAsync(db, pending, studies, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        // Blobs no row points to any more (a kept conflict, an overwritten instance) are removed after the commit.
        foreach (BlobKey key in orphanCandidates.Distinct())
        {
            string hex = key.Sha256Hex;
            if (!await db.Instances.AnyAsync(i => i.BlobKey == hex, cancellationToken).ConfigureAwait(false))
            {
                await blobs.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            }
        }

        return outcomes;
    }

    private void Publish(List<IngestOutcome> outcomes)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        foreach (IngestOutcome outcome in outcomes)
        {
            if (outcome.Status is IngestStatus.Stored or IngestStatus.Conflict && outcome.StudyInstanceUid is { } studyUid)
            {
                events.Publish(new StudyChanged(studyUid, outcome.SopInstanceUid!, outcome.Status, now));
            }
        }
    }

    private static Series NewSeries(InstanceHeader h, Study study) => new()
    {
        SeriesInstanceUid = h.SeriesInstanceUid,
        Study = study,
        StudyId = study.Id,
        SeriesNumber = h.SeriesNumber,
        // Received values longer than their column (a damaged or non-conformant file) are indexed cut short; the file keeps them.
        Modality = IndexLimits.Fit(h.Modality, IndexLimits.CodeStringMaxLength),
        Description = h.SeriesDescription,
        BodyPartExamined = h.BodyPartExamined,
    };

    private static Instance NewInstance(InstanceHeader h, PendingInstance p, Series series) => new()
    {
        SopInstanceUid = h.SopInstanceUid,
        SopClassUid = h.SopClassUid,
        Series = series,
        SeriesId = series.Id,
        InstanceNumber = h.InstanceNumber,
        TransferSyntaxUid = h.TransferSyntaxUid,
        SizeBytes = p.Blob.Length,
        Sha256 = p.Blob.Key.Sha256Hex,
        BlobKey = p.Blob.Key.Sha256Hex,
        ReceivedAt = p.ReceivedAt.UtcDateTime,
        Source = p.Source,
    };

    private static Study NewStudy(InstanceHeader h, PendingInstance p)
    {
        var patient = new Patient
        {
            PatientId = h.PatientId,
            IssuerOfPatientId = h.IssuerOfPatientId,
            PatientName = h.PatientName,
            BirthDate = h.PatientBirthDate,
            Sex = IndexLimits.Fit(h.PatientSex, IndexLimits.CodeStringMaxLength),
        };
        return new Study
        {
            StudyInstanceUid = h.StudyInstanceUid,
            Patient = patient,
            PatientRecordId = patient.Id,
            StudyDate = h.StudyDate,
            StudyTime = IndexLimits.Fit(h.StudyTime, IndexLimits.TimeMaxLength),
            StudyDateTime = h.StudyDateTime,
            Description = h.StudyDescription,
            AccessionNumber = h.AccessionNumber,
            ReferringPhysicianName = h.ReferringPhysicianName,
            WorkflowStatus = p.StudyStatus ?? WorkflowStatus.New,
            ReceivedAt = p.ReceivedAt.UtcDateTime,
            LastReceivedAt = p.ReceivedAt.UtcDateTime,
            SourceKind = p.Source.Kind,
            SourceName = p.Source.Name,
        };
    }

    /// <summary>Puts the labels source policies asked for on the batch's studies (creating a label the first time its name is used).</summary>
    private static async Task AddStudyLabelsAsync(PorticoDbContext db, List<PendingInstance> pending, Dictionary<string, Study> studies, CancellationToken cancellationToken)
    {
        var wanted = pending.Where(p => p.StudyLabels.Count > 0 && studies.ContainsKey(p.Header.StudyInstanceUid))
            .SelectMany(p => p.StudyLabels.Select(label => (Study: studies[p.Header.StudyInstanceUid], Label: label, p.Source)))
            .DistinctBy(w => (w.Study.StudyInstanceUid, w.Label))
            .ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        string[] names = [.. wanted.Select(w => w.Label).Distinct(StringComparer.Ordinal)];
        Dictionary<string, Label> labels = await db.Labels.Where(l => names.Contains(l.Name)).ToDictionaryAsync(l => l.Name, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        StudyId[] studyIds = [.. wanted.Select(w => w.Study.Id).Distinct()];
        HashSet<(StudyId, LabelId)> present = [.. (await db.StudyLabels.Where(sl => studyIds.Contains(sl.StudyId)).Select(sl => new { sl.StudyId, sl.LabelId }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(sl => (sl.StudyId, sl.LabelId))];
        DateTime now = DateTime.UtcNow;
        foreach ((Study study, string name, IngestSource source) in wanted)
        {
            if (!labels.TryGetValue(name, out Label? label))
            {
                label = new Label { Name = name };
                db.Labels.Add(label);
                labels.Add(name, label);
            }

            if (present.Add((study.Id, label.Id)))
            {
                db.StudyLabels.Add(new StudyLabel { Study = study, Label = label, AddedAt = now, AddedBy = source.Name ?? source.Kind.ToString() });
            }
        }
    }

    private static void AddModality(Study study, string modality)
    {
        if (modality.Length == 0)
        {
            return;
        }

        string[] current = string.IsNullOrEmpty(study.Modalities) ? [] : study.Modalities.Split('\\');
        if (!current.Contains(modality, StringComparer.Ordinal))
        {
            // PorticoDbContext derives PatientNameSearch and ModalitiesSearch on SaveChanges.
            study.Modalities = string.Join('\\', current.Append(modality).Order(StringComparer.Ordinal));
        }
    }

    [LoggerMessage(4010, LogLevel.Debug, "Committed {Count} instances in one transaction")]
    private static partial void LogCommitted(ILogger logger, int count);

    [LoggerMessage(4011, LogLevel.Warning, "A commit of {Count} instances failed; retrying them one by one")]
    private static partial void LogBatchRetried(ILogger logger, int count, Exception exception);

    [LoggerMessage(4012, LogLevel.Error, "Instance {SopInstanceUid} was answered as stored but could not be indexed; its file is kept and start-up recovery will index it")]
    private static partial void LogBackgroundCommitFailed(ILogger logger, string sopInstanceUid, Exception exception);

    [LoggerMessage(4014, LogLevel.Warning, "Could not prepare the index's direct SQLite writes at start; the first batch tries again")]
    private static partial void LogPrepareFailed(ILogger logger, Exception exception);

    [LoggerMessage(4013, LogLevel.Warning, "Instance {SopInstanceUid} was answered as stored but committed as {Status} (another node stored the same UID meanwhile)")]
    private static partial void LogBackgroundCommitChanged(ILogger logger, string sopInstanceUid, IngestStatus status);
}
