using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portico.Dicom;
using Portico.Dicom.IO;
using Portico.Index;
using Portico.Index.Audit;
using Portico.Index.Studies;
using Portico.Storage;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// Checks the index against the blob store and rebuilds it from the blobs, which are the source of truth
/// (docs/operations.md, "Verifying and rebuilding the index"). Blobs the index lacks are indexed through the same
/// <see cref="IndexCommitter"/> as every upload; blobs that cannot be indexed are moved to the store's quarantine,
/// never deleted. Meant to run while no server writes to the same index and store (the <c>admin</c> command, and
/// <see cref="IndexRecovery"/> before intake opens).
/// </summary>
public sealed partial class IndexMaintenance(
    IServiceScopeFactory scopes,
    IBlobStore blobs,
    IndexCommitter committer,
    TimeProvider clock,
    ILogger<IndexMaintenance> logger)
{
    /// <summary>Rows or blobs examined together (in parallel) and committed together (one group commit).</summary>
    private const int ChunkSize = 128;

    /// <summary>Ids per <c>IN</c> list in deletes and lookups.</summary>
    private const int IdChunkSize = 500;

    /// <summary>Problems of each kind kept as examples in a report.</summary>
    private const int ExamplesPerKind = 10;

    private static readonly IngestSource RecoverySource = new(IngestSourceKind.Import, "recovery", "Recovered from the blob store");

    /// <summary>Blobs read at once: hashing is CPU-bound, header reads wait on the disk.</summary>
    private static readonly int Parallelism = Math.Max(2, Environment.ProcessorCount);

    private enum BlobVerdict
    {
        Valid,
        Corrupt,
        NotDicom,
        Vanished,
    }

    /// <summary>
    /// Reports, without changing anything: instance rows whose blob is missing, of another length or (with
    /// <paramref name="verifyHashes"/>, which reads every blob) not matching its key; blobs no row points to; series and
    /// study totals that differ from their instances; empty series and studies; patients without studies.
    /// </summary>
    public async Task<IndexVerifyReport> VerifyAsync(bool verifyHashes, IProgress<IndexMaintenanceProgress>? progress, CancellationToken cancellationToken)
    {
        var problems = new ProblemTally();
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        int rows = await CheckRowsAsync(
            verifyHashes,
            hashOnLengthMismatch: false,
            check =>
            {
                referenced.Add(check.Row.BlobKey);
                if (check.Problem is { } kind)
                {
                    problems.Add(kind, check.Row.SopInstanceUid);
                }
            },
            progress,
            cancellationToken).ConfigureAwait(false);

        await AddAttachmentKeysAsync(referenced, cancellationToken).ConfigureAwait(false);
        int blobCount = 0;
        await foreach (BlobInfo blob in blobs.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            blobCount++;
            if (!referenced.Contains(blob.Key.Sha256Hex))
            {
                problems.Add(IndexProblemKind.UnreferencedBlob, blob.Key.Sha256Hex);
            }

            if (blobCount % 1024 == 0)
            {
                progress?.Report(new IndexMaintenanceProgress("Listing blobs", blobCount, null));
            }
        }

        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            Totals totals = await CheckTotalsAsync(db, cancellationToken).ConfigureAwait(false);
            totals.AddTo(problems);
        }

        var report = new IndexVerifyReport(rows, blobCount, verifyHashes, problems.Counts, problems.Examples);
        LogVerified(logger, report.ProblemCount, rows, blobCount, verifyHashes);
        return report;
    }

    /// <summary>
    /// Repairs the index from the blob store: removes instance rows whose blob is missing or corrupt, corrects sizes,
    /// indexes every unreferenced valid blob, sets aside the blobs that cannot be indexed, recomputes series and study
    /// totals, removes empty series, studies and patients, and records an <c>Index.Rebuilt</c> audit entry with the
    /// counts. Labels and workflow status of the studies that remain are kept. Running it again changes nothing more.
    /// </summary>
    public async Task<IndexRebuildReport> RebuildAsync(IndexRebuildOptions options, IProgress<IndexMaintenanceProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var removed = new ProblemTally();
        int instancesCleared = 0, studiesCleared = 0, removedMissing = 0, removedCorrupt = 0, sizesCorrected = 0;
        if (options.FromScratch)
        {
            (instancesCleared, studiesCleared) = await ClearStudiesAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var toRemove = new List<InstanceId>();
            var sizeFixes = new List<(InstanceId Id, long Length)>();
            await CheckRowsAsync(
                options.VerifyHashes,
                hashOnLengthMismatch: true,
                check =>
                {
                    switch (check.Problem)
                    {
                        case null:
                            referenced.Add(check.Row.BlobKey);
                            break;
                        case IndexProblemKind.LengthMismatch:
                            // The blob hashed to its key, so it is intact and the row's size is what is wrong.
                            referenced.Add(check.Row.BlobKey);
                            sizeFixes.Add((check.Row.Id, check.BlobLength!.Value));
                            break;
                        default:
                            // Missing or corrupt: the row goes; a corrupt blob, now unreferenced, is set aside below.
                            toRemove.Add(check.Row.Id);
                            removed.Add(check.Problem.Value, check.Row.SopInstanceUid);
                            LogRowRemoved(logger, check.Row.SopInstanceUid, check.Row.BlobKey, check.Problem.Value);
                            if (check.Problem == IndexProblemKind.MissingBlob)
                            {
                                removedMissing++;
                            }
                            else
                            {
                                removedCorrupt++;
                            }

                            break;
                    }
                },
                progress,
                cancellationToken).ConfigureAwait(false);
            await RemoveRowsAsync(toRemove, sizeFixes, cancellationToken).ConfigureAwait(false);
            sizesCorrected = sizeFixes.Count;
        }

        await AddAttachmentKeysAsync(referenced, cancellationToken).ConfigureAwait(false);
        UnreferencedBlobsResult indexed = await IndexUnreferencedBlobsAsync(referenced, verifyHashes: true, progress, cancellationToken).ConfigureAwait(false);

        progress?.Report(new IndexMaintenanceProgress("Recomputing totals", 0, null));
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        Totals totals = await CheckTotalsAsync(db, cancellationToken).ConfigureAwait(false);
        int patientsRemoved = await ApplyTotalsAsync(db, totals, cancellationToken).ConfigureAwait(false);
        var report = new IndexRebuildReport
        {
            FromScratch = options.FromScratch,
            HashesVerified = options.VerifyHashes || options.FromScratch,
            InstancesCleared = instancesCleared,
            StudiesCleared = studiesCleared,
            RowsRemovedMissingBlob = removedMissing,
            RowsRemovedCorruptBlob = removedCorrupt,
            SizesCorrected = sizesCorrected,
            Blobs = indexed,
            SeriesTotalsCorrected = totals.WrongSeries.Count,
            StudyTotalsCorrected = totals.WrongStudies.Count,
            EmptySeriesRemoved = totals.EmptySeries.Count,
            EmptyStudiesRemoved = totals.EmptyStudies.Count,
            PatientsRemoved = patientsRemoved,
            RemovedExamples = removed.Examples,
        };
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = "system",
            ActorKind = ActorKind.System,
            Action = "Index.Rebuilt",
            Target = "index",
            Details = JsonSerializer.Serialize(report, JsonSerializerOptions.Web),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogRebuilt(logger, options.FromScratch, removedMissing + removedCorrupt, indexed.Indexed, indexed.SetAside, totals.WrongStudies.Count);
        return report;
    }

    /// <summary>
    /// Indexes every blob no instance row points to (through the <see cref="IndexCommitter"/>, source "Import:
    /// recovery"), and moves to the store's quarantine the blobs that cannot be indexed: not DICOM, a SOP Instance UID
    /// already indexed with other content, or (with <paramref name="verifyHashes"/>) bytes not matching the key.
    /// </summary>
    public Task<UnreferencedBlobsResult> IndexUnreferencedBlobsAsync(bool verifyHashes, IProgress<IndexMaintenanceProgress>? progress, CancellationToken cancellationToken) =>
        // The index is asked about each batch of blobs (an indexed look-up), rather than loading every instance's key
        // first: start-up then costs in proportion to the blobs, with one batch in memory, however large the index.
        IndexUnreferencedBlobsAsync(ReferencedInIndexAsync, verifyHashes, progress, cancellationToken);

    private Task<UnreferencedBlobsResult> IndexUnreferencedBlobsAsync(
        HashSet<string> referenced, bool verifyHashes, IProgress<IndexMaintenanceProgress>? progress, CancellationToken cancellationToken) =>
        IndexUnreferencedBlobsAsync(
            (batch, _) => Task.FromResult(batch.Select(b => b.Key.Sha256Hex).Where(referenced.Contains).ToHashSet(StringComparer.Ordinal)),
            verifyHashes,
            progress,
            cancellationToken);

    private async Task<UnreferencedBlobsResult> IndexUnreferencedBlobsAsync(
        Func<List<BlobInfo>, CancellationToken, Task<HashSet<string>>> referencedAmong,
        bool verifyHashes,
        IProgress<IndexMaintenanceProgress>? progress,
        CancellationToken cancellationToken)
    {
        var tally = new BlobTally();
        var batch = new List<BlobInfo>(IdChunkSize);
        var chunk = new List<BlobInfo>(ChunkSize);
        await foreach (BlobInfo blob in blobs.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(blob);
            if (batch.Count == IdChunkSize)
            {
                await IndexBatchAsync().ConfigureAwait(false);
            }
        }

        await IndexBatchAsync().ConfigureAwait(false);
        await IndexChunkAsync(chunk, verifyHashes, tally, cancellationToken).ConfigureAwait(false);
        progress?.Report(new IndexMaintenanceProgress("Indexing unreferenced blobs", tally.Examined, tally.Examined));
        return new UnreferencedBlobsResult(tally.Examined, tally.Indexed, tally.Corrupt, tally.NotDicom, tally.Conflicting);

        async Task IndexBatchAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            HashSet<string> referenced = await referencedAmong(batch, cancellationToken).ConfigureAwait(false);
            foreach (BlobInfo blob in batch)
            {
                if (referenced.Contains(blob.Key.Sha256Hex))
                {
                    continue;
                }

                chunk.Add(blob);
                if (chunk.Count == ChunkSize)
                {
                    await IndexChunkAsync(chunk, verifyHashes, tally, cancellationToken).ConfigureAwait(false);
                    chunk.Clear();
                    progress?.Report(new IndexMaintenanceProgress("Indexing unreferenced blobs", tally.Examined, null));
                }
            }

            batch.Clear();
        }
    }

    private async Task<HashSet<string>> ReferencedInIndexAsync(List<BlobInfo> batch, CancellationToken cancellationToken)
    {
        string[] keys = [.. batch.Select(b => b.Key.Sha256Hex)];
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        List<string> found = await db.Instances.AsNoTracking().Where(i => keys.Contains(i.BlobKey)).Select(i => i.BlobKey)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        found.AddRange(await db.StressTestAttachments.AsNoTracking().Where(a => keys.Contains(a.XmlBlobKey)).Select(a => a.XmlBlobKey)
            .ToListAsync(cancellationToken).ConfigureAwait(false));
        found.AddRange(await db.PortalAttachments.AsNoTracking().Where(a => keys.Contains(a.BlobKey)).Select(a => a.BlobKey)
            .ToListAsync(cancellationToken).ConfigureAwait(false));
        return found.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Non-DICOM blobs rows point to (stress-test XML files, portal attachments): referenced, so never indexed nor set aside.</summary>
    private async Task AddAttachmentKeysAsync(HashSet<string> referenced, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        await foreach (string key in db.StressTestAttachments.AsNoTracking().Select(a => a.XmlBlobKey).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            referenced.Add(key);
        }

        await foreach (string key in db.PortalAttachments.AsNoTracking().Select(a => a.BlobKey).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            referenced.Add(key);
        }
    }

    private async Task IndexChunkAsync(List<BlobInfo> chunk, bool verifyHashes, BlobTally tally, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        var inspected = new (BlobVerdict Verdict, InstanceHeader? Header)[chunk.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, chunk.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, token) => inspected[i] = await InspectBlobAsync(chunk[i].Key, verifyHashes, token).ConfigureAwait(false)).ConfigureAwait(false);

        // A SOP Instance UID already indexed (or carried by an earlier blob of this chunk) with other content: the blob
        // cannot say whether it is newer or older than the indexed one, so it is set aside rather than chosen by the
        // order in which blobs happen to be listed.
        string[] uids = [.. inspected.Where(c => c.Header is not null).Select(c => c.Header!.SopInstanceUid).Distinct(StringComparer.Ordinal)];
        HashSet<string> taken;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            taken = new HashSet<string>(
                await db.Instances.AsNoTracking().Where(i => uids.Contains(i.SopInstanceUid)).Select(i => i.SopInstanceUid).ToListAsync(cancellationToken).ConfigureAwait(false),
                StringComparer.Ordinal);
        }

        DateTimeOffset now = clock.GetUtcNow();
        var commits = new List<Task<IngestOutcome>>(chunk.Count);
        for (int i = 0; i < chunk.Count; i++)
        {
            (BlobVerdict verdict, InstanceHeader? header) = inspected[i];
            BlobKey key = chunk[i].Key;
            if (verdict == BlobVerdict.Vanished)
            {
                continue;
            }

            tally.Examined++;
            string? why = null;
            if (verdict == BlobVerdict.Corrupt)
            {
                tally.Corrupt++;
                why = "its SHA-256 is not its key";
            }
            else if (verdict == BlobVerdict.NotDicom)
            {
                tally.NotDicom++;
                why = "not valid DICOM";
            }
            else if (!taken.Add(header!.SopInstanceUid))
            {
                tally.Conflicting++;
                why = "its SOP Instance UID is already indexed with other content";
            }

            if (why is not null)
            {
                LogBlobSetAside(logger, key, why);
                await blobs.QuarantineAsync(key, cancellationToken).ConfigureAwait(false);
                continue;
            }

            commits.Add(committer.CommitAsync(new PendingInstance(header!, chunk[i], RecoverySource, now), cancellationToken));
        }

        foreach (IngestOutcome outcome in await Task.WhenAll(commits).ConfigureAwait(false))
        {
            if (outcome.Status == IngestStatus.Stored)
            {
                tally.Indexed++;
            }
            else
            {
                // Only when something else indexed the same SOP Instance UID meanwhile; the committer applied its
                // conflict policy to the blob, as for any upload.
                tally.Conflicting++;
            }
        }
    }

    private async Task<(BlobVerdict Verdict, InstanceHeader? Header)> InspectBlobAsync(BlobKey key, bool verifyHash, CancellationToken cancellationToken)
    {
        try
        {
            if (verifyHash && !await HashMatchesAsync(key, cancellationToken).ConfigureAwait(false))
            {
                return (BlobVerdict.Corrupt, null);
            }

            InstanceHeader? header = await ReadHeaderAsync(key, cancellationToken).ConfigureAwait(false);
            return (header is null ? BlobVerdict.NotDicom : BlobVerdict.Valid, header);
        }
        catch (FileNotFoundException)
        {
            return (BlobVerdict.Vanished, null); // removed meanwhile: nothing to index
        }
    }

    /// <summary>The instance header of a blob; null when it is not DICOM or lacks what the index needs.</summary>
    private async Task<InstanceHeader?> ReadHeaderAsync(BlobKey key, CancellationToken cancellationToken)
    {
        try
        {
            Stream stream = blobs.OpenRead(key);
            await using (stream.ConfigureAwait(false))
            {
                DicomFile file = await DicomFile.ReadAsync(stream, DicomFileReadOptions.HeaderOnly, cancellationToken).ConfigureAwait(false);
                InstanceHeader header = InstanceHeader.From(file);
                return InstanceValidator.Validate(file, header) is null ? header : null;
            }
        }
        catch (DicomFormatException)
        {
            return null;
        }
    }

    private async Task<bool> HashMatchesAsync(BlobKey key, CancellationToken cancellationToken)
    {
        Stream stream = blobs.OpenRead(key);
        await using (stream.ConfigureAwait(false))
        {
            byte[] hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return BlobKey.FromHash(hash) == key;
        }
    }

    /// <summary>
    /// Streams every instance row, checks its blob (in parallel within a chunk) and hands each result, in order, to
    /// <paramref name="onChecked"/>. Returns the number of rows.
    /// </summary>
    private async Task<int> CheckRowsAsync(
        bool hashAlways, bool hashOnLengthMismatch, Action<RowCheck> onChecked, IProgress<IndexMaintenanceProgress>? progress, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        int total = await db.Instances.CountAsync(cancellationToken).ConfigureAwait(false);
        const string Phase = "Checking index rows against blobs";
        progress?.Report(new IndexMaintenanceProgress(Phase, 0, total));

        int done = 0;
        var chunk = new List<InstanceRow>(ChunkSize);
        var results = new RowCheck[ChunkSize];
        async Task CheckChunkAsync()
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, chunk.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (i, token) => results[i] = await CheckRowAsync(chunk[i], hashAlways, hashOnLengthMismatch, token).ConfigureAwait(false)).ConfigureAwait(false);
            for (int i = 0; i < chunk.Count; i++)
            {
                onChecked(results[i]);
            }

            done += chunk.Count;
            chunk.Clear();
            progress?.Report(new IndexMaintenanceProgress(Phase, done, total));
        }

        IAsyncEnumerable<InstanceRow> rows = db.Instances.AsNoTracking()
            .Select(i => new InstanceRow(i.Id, i.SopInstanceUid, i.BlobKey, i.SizeBytes))
            .AsAsyncEnumerable();
        await foreach (InstanceRow row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            chunk.Add(row);
            if (chunk.Count == ChunkSize)
            {
                await CheckChunkAsync().ConfigureAwait(false);
            }
        }

        await CheckChunkAsync().ConfigureAwait(false);
        return done;
    }

    private async Task<RowCheck> CheckRowAsync(InstanceRow row, bool hashAlways, bool hashOnLengthMismatch, CancellationToken cancellationToken)
    {
        // A malformed key names no blob: the same as a missing one.
        if (!BlobKey.TryParse(row.BlobKey, out BlobKey key) || blobs.GetLength(key) is not { } length)
        {
            return new RowCheck(row, IndexProblemKind.MissingBlob, null);
        }

        bool lengthMatches = length == row.SizeBytes;
        if (hashAlways || (!lengthMatches && hashOnLengthMismatch))
        {
            try
            {
                if (!await HashMatchesAsync(key, cancellationToken).ConfigureAwait(false))
                {
                    return new RowCheck(row, IndexProblemKind.HashMismatch, length);
                }
            }
            catch (FileNotFoundException)
            {
                return new RowCheck(row, IndexProblemKind.MissingBlob, null);
            }
        }

        return new RowCheck(row, lengthMatches ? null : IndexProblemKind.LengthMismatch, length);
    }

    private async Task RemoveRowsAsync(List<InstanceId> toRemove, List<(InstanceId Id, long Length)> sizeFixes, CancellationToken cancellationToken)
    {
        if (toRemove.Count == 0 && sizeFixes.Count == 0)
        {
            return;
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (InstanceId[] ids in toRemove.Chunk(IdChunkSize))
        {
            await db.Instances.Where(i => ids.Contains(i.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach ((InstanceId id, long length) in sizeFixes)
        {
            await db.Instances.Where(i => i.Id == id).ExecuteUpdateAsync(u => u.SetProperty(i => i.SizeBytes, length), cancellationToken).ConfigureAwait(false);
        }

        // Series and study totals are recomputed at the end of the rebuild, in one pass.
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every patient, study (with its labels), series and instance row, in one transaction.</summary>
    private async Task<(int Instances, int Studies)> ClearStudiesAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        int instances = await db.Instances.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.Series.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.StudyLabels.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        int studies = await db.Studies.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.Patients.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogCleared(logger, instances, studies);
        return (instances, studies);
    }

    /// <summary>Series and study totals as stored against what their instances say, and the empty rows.</summary>
    private static async Task<Totals> CheckTotalsAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        List<SeriesTotals> series = await db.Series.AsNoTracking()
            .Select(s => new SeriesTotals(s.Id, s.StudyId, s.SeriesInstanceUid, s.Modality, s.NumberOfInstances, s.Instances.Count(), s.Instances.Sum(i => (long?)i.SizeBytes) ?? 0))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        List<StudyTotals> studies = await db.Studies.AsNoTracking()
            .Select(s => new StudyTotals(s.Id, s.StudyInstanceUid, s.NumberOfSeries, s.NumberOfInstances, s.SizeBytes, s.Modalities))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        List<PatientRecordId> orphans = await db.Patients.AsNoTracking().Where(p => !p.Studies.Any()).Select(p => p.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);

        var totals = new Totals(orphans);
        foreach (SeriesTotals s in series)
        {
            if (s.Actual == 0)
            {
                totals.EmptySeries.Add(s);
            }
            else if (s.Actual != s.Recorded)
            {
                totals.WrongSeries.Add(s);
            }
        }

        ILookup<StudyId, SeriesTotals> byStudy = series.Where(s => s.Actual > 0).ToLookup(s => s.StudyId);
        foreach (StudyTotals study in studies)
        {
            SeriesTotals[] own = [.. byStudy[study.Id]];
            if (own.Length == 0)
            {
                totals.EmptyStudies.Add(study);
                continue;
            }

            // The same form as the committer's: distinct non-empty modalities in ordinal order, backslash-separated.
            var expected = new StudyTotals(
                study.Id,
                study.StudyInstanceUid,
                own.Length,
                own.Sum(s => s.Actual),
                own.Sum(s => s.Size),
                string.Join('\\', own.Select(s => s.Modality).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)));
            if (expected != study)
            {
                totals.WrongStudies.Add(expected);
            }
        }

        return totals;
    }

    /// <summary>Writes the totals found by <see cref="CheckTotalsAsync"/>; returns how many patients were removed.</summary>
    private static async Task<int> ApplyTotalsAsync(PorticoDbContext db, Totals totals, CancellationToken cancellationToken)
    {
        foreach (SeriesId[] ids in totals.EmptySeries.Select(s => s.Id).Chunk(IdChunkSize))
        {
            await db.Series.Where(s => ids.Contains(s.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (StudyId[] ids in totals.EmptyStudies.Select(s => s.Id).Chunk(IdChunkSize))
        {
            await db.StudyLabels.Where(l => ids.Contains(l.StudyId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.Series.Where(s => ids.Contains(s.StudyId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await db.Studies.Where(s => ids.Contains(s.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (SeriesTotals[] wrong in totals.WrongSeries.Chunk(IdChunkSize))
        {
            SeriesId[] ids = [.. wrong.Select(s => s.Id)];
            Dictionary<SeriesId, Series> rows = await db.Series.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken).ConfigureAwait(false);
            foreach (SeriesTotals s in wrong)
            {
                rows[s.Id].NumberOfInstances = s.Actual;
            }
        }

        foreach (StudyTotals[] wrong in totals.WrongStudies.Chunk(IdChunkSize))
        {
            StudyId[] ids = [.. wrong.Select(s => s.Id)];
            Dictionary<StudyId, Study> rows = await db.Studies.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken).ConfigureAwait(false);
            foreach (StudyTotals expected in wrong)
            {
                // A tracked update, so PorticoDbContext renews the concurrency token and the modality search column.
                Study study = rows[expected.Id];
                study.NumberOfSeries = expected.NumberOfSeries;
                study.NumberOfInstances = expected.NumberOfInstances;
                study.SizeBytes = expected.SizeBytes;
                study.Modalities = expected.Modalities;
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        // Patients left without studies: those found before, and those whose studies were all empty.
        return await db.Patients.Where(p => !p.Studies.Any()).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(4030, LogLevel.Information, "Index verified: {Problems} problem(s) in {Instances} instance rows and {Blobs} blobs (hashes verified: {Hashed})")]
    private static partial void LogVerified(ILogger logger, int problems, int instances, int blobs, bool hashed);

    [LoggerMessage(4031, LogLevel.Warning, "Removed instance {SopInstanceUid} from the index: blob {BlobKey} is {Problem}")]
    private static partial void LogRowRemoved(ILogger logger, string sopInstanceUid, string blobKey, IndexProblemKind problem);

    [LoggerMessage(4032, LogLevel.Warning, "Setting blob {BlobKey} aside: {Why}")]
    private static partial void LogBlobSetAside(ILogger logger, BlobKey blobKey, string why);

    [LoggerMessage(4033, LogLevel.Warning, "Index cleared for a rebuild from scratch: {Instances} instance and {Studies} study rows deleted")]
    private static partial void LogCleared(ILogger logger, int instances, int studies);

    [LoggerMessage(4034, LogLevel.Information, "Index rebuilt (from scratch: {FromScratch}): {Removed} rows removed, {Indexed} blobs indexed, {SetAside} set aside, {Studies} study totals corrected")]
    private static partial void LogRebuilt(ILogger logger, bool fromScratch, int removed, int indexed, int setAside, int studies);

    private sealed record InstanceRow(InstanceId Id, string SopInstanceUid, string BlobKey, long SizeBytes);

    /// <summary>One row's check: no problem, or what is wrong; the blob's length when it exists.</summary>
    private sealed record RowCheck(InstanceRow Row, IndexProblemKind? Problem, long? BlobLength);

    private sealed record SeriesTotals(SeriesId Id, StudyId StudyId, string SeriesInstanceUid, string Modality, int Recorded, int Actual, long Size);

    private sealed record StudyTotals(StudyId Id, string StudyInstanceUid, int NumberOfSeries, int NumberOfInstances, long SizeBytes, string Modalities);

    private sealed class Totals(List<PatientRecordId> patientsWithoutStudies)
    {
        public List<SeriesTotals> WrongSeries { get; } = [];

        public List<StudyTotals> WrongStudies { get; } = [];

        public List<SeriesTotals> EmptySeries { get; } = [];

        public List<StudyTotals> EmptyStudies { get; } = [];

        public void AddTo(ProblemTally problems)
        {
            WrongSeries.ForEach(s => problems.Add(IndexProblemKind.SeriesTotalsMismatch, s.SeriesInstanceUid));
            WrongStudies.ForEach(s => problems.Add(IndexProblemKind.StudyTotalsMismatch, s.StudyInstanceUid));
            EmptySeries.ForEach(s => problems.Add(IndexProblemKind.EmptySeries, s.SeriesInstanceUid));
            EmptyStudies.ForEach(s => problems.Add(IndexProblemKind.EmptyStudy, s.StudyInstanceUid));
            patientsWithoutStudies.ForEach(p => problems.Add(IndexProblemKind.PatientWithoutStudies, p.ToString()));
        }
    }

    private sealed class ProblemTally
    {
        private readonly Dictionary<IndexProblemKind, int> _counts = [];
        private readonly List<IndexProblem> _examples = [];

        public IReadOnlyDictionary<IndexProblemKind, int> Counts => _counts;

        public IReadOnlyList<IndexProblem> Examples => _examples;

        public void Add(IndexProblemKind kind, string subject)
        {
            int count = _counts.GetValueOrDefault(kind) + 1;
            _counts[kind] = count;
            if (count <= ExamplesPerKind)
            {
                _examples.Add(new IndexProblem(kind, subject));
            }
        }
    }

    private sealed class BlobTally
    {
        public int Examined { get; set; }

        public int Indexed { get; set; }

        public int Corrupt { get; set; }

        public int NotDicom { get; set; }

        public int Conflicting { get; set; }
    }
}
