using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Audit;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Portico.Storage;
using Xunit;

namespace Portico.Ingest.Tests.Pipeline;

public sealed class IndexMaintenanceTests
{
    private static readonly IngestSource Source = new(IngestSourceKind.User, "u1", "tester@example.org", "127.0.0.1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_BlobDeletedBehindTheIndex_IsFoundAndRebuildRemovesTheRowAndFixesTotals()
    {
        await using PipelineHost host = await StartAsync();
        string study = UidGenerator.NewUid(), series = UidGenerator.NewUid();
        string[] sops = [await IngestAsync(host, "CT_small.dcm", study, series), await IngestAsync(host, "CT_small.dcm", study, series), await IngestAsync(host, "CT_small.dcm", study, series)];
        Instance lost = await InstanceAsync(host, sops[1]);
        Assert.True(await Blobs(host).DeleteAsync(BlobKey.Parse(lost.BlobKey), Ct));
        IndexMaintenance maintenance = host.Services.GetRequiredService<IndexMaintenance>();

        IndexVerifyReport before = await maintenance.VerifyAsync(verifyHashes: false, null, Ct);
        IndexRebuildReport rebuilt = await maintenance.RebuildAsync(new IndexRebuildOptions(), null, Ct);
        IndexVerifyReport after = await maintenance.VerifyAsync(verifyHashes: true, null, Ct);

        Assert.Equal(1, before.Count(IndexProblemKind.MissingBlob));
        Assert.Contains(new IndexProblem(IndexProblemKind.MissingBlob, sops[1]), before.Examples);
        Assert.False(before.IsConsistent);
        Assert.Equal(1, rebuilt.RowsRemovedMissingBlob);
        Assert.Equal(0, rebuilt.RowsRemovedCorruptBlob);
        Assert.Equal(1, rebuilt.StudyTotalsCorrected);
        Assert.Equal(1, rebuilt.SeriesTotalsCorrected);
        Assert.True(after.IsConsistent, string.Join(", ", after.Counts));

        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Assert.False(await db.Instances.AnyAsync(i => i.SopInstanceUid == sops[1], Ct));
        Study s = await db.Studies.SingleAsync(x => x.StudyInstanceUid == study, Ct);
        long remainingBytes = 0;
        foreach (string sop in new[] { sops[0], sops[2] })
        {
            remainingBytes += Blobs(host).GetLength(BlobKey.Parse((await InstanceAsync(host, sop)).BlobKey))!.Value;
        }

        Assert.Equal(2, s.NumberOfInstances);
        Assert.Equal(1, s.NumberOfSeries);
        Assert.Equal(remainingBytes, s.SizeBytes);
        Assert.Equal(2, (await db.Series.SingleAsync(x => x.SeriesInstanceUid == series, Ct)).NumberOfInstances);
        AuditEntry audit = await db.AuditEntries.SingleAsync(a => a.Action == "Index.Rebuilt", Ct);
        Assert.Equal(("system", ActorKind.System), (audit.Actor, audit.ActorKind));
        Assert.Contains("\"rowsRemovedMissingBlob\":1", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_BlobBytesChanged_IsFoundOnlyWithHashAndRebuildSetsItAside()
    {
        await using PipelineHost host = await StartAsync();
        string sop = await IngestAsync(host, "MR_small.dcm", UidGenerator.NewUid(), UidGenerator.NewUid());
        Instance instance = await InstanceAsync(host, sop);
        string path = BlobPath(host, instance.BlobKey);
        byte[] bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^10] ^= 0xFF; // inside the pixel data: same length, still readable DICOM
        await File.WriteAllBytesAsync(path, bytes, Ct);
        IndexMaintenance maintenance = host.Services.GetRequiredService<IndexMaintenance>();

        IndexVerifyReport withoutHash = await maintenance.VerifyAsync(verifyHashes: false, null, Ct);
        IndexVerifyReport withHash = await maintenance.VerifyAsync(verifyHashes: true, null, Ct);
        IndexRebuildReport rebuilt = await maintenance.RebuildAsync(new IndexRebuildOptions(VerifyHashes: true), null, Ct);
        IndexVerifyReport after = await maintenance.VerifyAsync(verifyHashes: true, null, Ct);

        Assert.True(withoutHash.IsConsistent); // same length: only reading the bytes tells
        Assert.Equal(1, withHash.Count(IndexProblemKind.HashMismatch));
        Assert.Equal(1, withHash.ProblemCount);
        Assert.Equal(1, rebuilt.RowsRemovedCorruptBlob);
        Assert.Equal(1, rebuilt.Blobs.Corrupt); // its blob, unreferenced once the row went, is set aside
        Assert.Equal((1, 1), (rebuilt.EmptyStudiesRemoved, rebuilt.PatientsRemoved));
        Assert.True(after.IsConsistent, string.Join(", ", after.Counts));
        Assert.False(File.Exists(path));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(Store(host).QuarantineDirectory, instance.BlobKey), Ct));
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Assert.False(await db.Instances.AnyAsync(i => i.SopInstanceUid == sop, Ct));
    }

    [Fact]
    public async Task Rebuild_UnreferencedBlobs_IndexesTheValidOneAndSetsAsideTheOthers()
    {
        await using PipelineHost host = await StartAsync();
        string study = UidGenerator.NewUid(), series = UidGenerator.NewUid();
        string indexedSop = await IngestAsync(host, "CT_small.dcm", study, series);
        IBlobStore blobs = Blobs(host);
        // A blob whose row was never committed, a blob that is not DICOM, and another content for an indexed SOP Instance UID.
        string orphanSop = UidGenerator.NewUid();
        BlobInfo orphan = await blobs.ImportFileAsync(host.Spool("CT_small.dcm", orphanSop, SameStudy(study, series)), Ct);
        BlobInfo garbage = await blobs.WriteAsync(new MemoryStream("not a DICOM file"u8.ToArray()), long.MaxValue, Ct);
        BlobInfo conflicting = await blobs.ImportFileAsync(
            host.Spool("CT_small.dcm", indexedSop, ds => ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "other content")), Ct);
        IndexMaintenance maintenance = host.Services.GetRequiredService<IndexMaintenance>();

        IndexVerifyReport before = await maintenance.VerifyAsync(verifyHashes: false, null, Ct);
        IndexRebuildReport rebuilt = await maintenance.RebuildAsync(new IndexRebuildOptions(), null, Ct);
        IndexVerifyReport after = await maintenance.VerifyAsync(verifyHashes: true, null, Ct);

        Assert.Equal(3, before.Count(IndexProblemKind.UnreferencedBlob));
        Assert.Equal(new UnreferencedBlobsResult(Examined: 3, Indexed: 1, Corrupt: 0, NotDicom: 1, Conflicting: 1), rebuilt.Blobs);
        Assert.True(after.IsConsistent, string.Join(", ", after.Counts));
        Assert.True(blobs.Exists(orphan.Key));
        Assert.False(blobs.Exists(garbage.Key));
        Assert.False(blobs.Exists(conflicting.Key));
        Assert.True(File.Exists(Path.Combine(Store(host).QuarantineDirectory, garbage.Key.Sha256Hex)));
        Assert.True(File.Exists(Path.Combine(Store(host).QuarantineDirectory, conflicting.Key.Sha256Hex)));

        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Instance recovered = await db.Instances.Include(i => i.Series).ThenInclude(s => s.Study).SingleAsync(i => i.SopInstanceUid == orphanSop, Ct);
        Assert.Equal(IngestSourceKind.Import, recovered.Source.Kind);
        Assert.Equal(orphan.Key.Sha256Hex, recovered.BlobKey);
        Assert.Equal(2, recovered.Series.Study.NumberOfInstances);
        Instance stayed = await InstanceAsync(host, indexedSop);
        Assert.Equal(orphan.Length + stayed.SizeBytes, recovered.Series.Study.SizeBytes);
        Assert.NotEqual(conflicting.Key.Sha256Hex, stayed.BlobKey); // the indexed one stays
    }

    [Fact]
    public async Task RebuildFromScratch_PopulatedStore_GivesTheSameStudiesSeriesAndInstances()
    {
        await using PipelineHost host = await StartAsync();
        string studyA = UidGenerator.NewUid(), studyB = UidGenerator.NewUid();
        string ct = UidGenerator.NewUid(), mr = UidGenerator.NewUid(), other = UidGenerator.NewUid();
        await IngestAsync(host, "CT_small.dcm", studyA, ct);
        await IngestAsync(host, "CT_small.dcm", studyA, ct);
        // Study attributes come from the first instance stored, and a rebuild indexes blobs in no particular order, so
        // the instances of a study agree on them (as a device's do); a second modality comes from a second series.
        await IngestAsync(host, "CT_small.dcm", studyA, mr, ds => ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "MR"));
        await IngestAsync(host, "MR_small.dcm", studyB, other);
        await using (AsyncServiceScope scope = host.Services.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            db.ApiKeys.Add(new ApiKey { Name = "kept", KeyHash = ApiKeySecret.Hash("k-kept-0123456789"), Prefix = "k-kept-0", Permissions = [Permissions.All[0]], CreatedAt = DateTime.UtcNow });
            db.AuditEntries.Add(new AuditEntry { At = DateTime.UtcNow, Actor = "tester", ActorKind = ActorKind.User, Action = "Test.Before", Target = "index" });
            await db.SaveChangesAsync(Ct);
        }

        Snapshot before = await SnapshotAsync(host, studyA, studyB);
        int labelsBefore = await CountAsync(host, db => db.Labels);
        IndexRebuildReport rebuilt = await host.Services.GetRequiredService<IndexMaintenance>().RebuildAsync(new IndexRebuildOptions(FromScratch: true), null, Ct);
        Snapshot after = await SnapshotAsync(host, studyA, studyB);

        Assert.Equal((4, 2), (rebuilt.InstancesCleared, rebuilt.StudiesCleared));
        Assert.Equal(new UnreferencedBlobsResult(4, 4, 0, 0, 0), rebuilt.Blobs);
        Assert.Contains(before.Studies, s => s.StartsWith(studyA, StringComparison.Ordinal) && s.Contains(" CT\\MR 2 3 ", StringComparison.Ordinal));
        Assert.Equal(before.Studies, after.Studies);
        Assert.Equal(before.Series, after.Series);
        Assert.Equal(before.Instances, after.Instances);
        Assert.Equal(labelsBefore, await CountAsync(host, db => db.Labels));
        Assert.Equal(1, await CountAsync(host, db => db.ApiKeys.Where(k => k.Name == "kept")));
        Assert.Equal(1, await CountAsync(host, db => db.AuditEntries.Where(a => a.Action == "Test.Before")));
        Assert.Equal(1, await CountAsync(host, db => db.AuditEntries.Where(a => a.Action == "Index.Rebuilt" && a.Details!.Contains("\"fromScratch\":true"))));
        Assert.True((await host.Services.GetRequiredService<IndexMaintenance>().VerifyAsync(verifyHashes: true, null, Ct)).IsConsistent);
    }

    [Fact]
    public async Task Rebuild_StudyThatLosesAnInstance_KeepsItsLabelsAndWorkflowStatus()
    {
        await using PipelineHost host = await StartAsync();
        string study = UidGenerator.NewUid(), series = UidGenerator.NewUid();
        string kept = await IngestAsync(host, "CT_small.dcm", study, series);
        string lost = await IngestAsync(host, "CT_small.dcm", study, UidGenerator.NewUid());
        await using (AsyncServiceScope scope = host.Services.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            Study s = await db.Studies.SingleAsync(x => x.StudyInstanceUid == study, Ct);
            s.WorkflowStatus = WorkflowStatus.Finalized;
            db.StudyLabels.Add(new StudyLabel { StudyId = s.Id, LabelId = DefaultLabels.UploadedId, AddedAt = DateTime.UtcNow, AddedBy = "tester@example.org" });
            await db.SaveChangesAsync(Ct);
        }

        Assert.True(await Blobs(host).DeleteAsync(BlobKey.Parse((await InstanceAsync(host, lost)).BlobKey), Ct));
        IndexRebuildReport rebuilt = await host.Services.GetRequiredService<IndexMaintenance>().RebuildAsync(new IndexRebuildOptions(), null, Ct);

        Assert.Equal((1, 1, 1), (rebuilt.RowsRemovedMissingBlob, rebuilt.EmptySeriesRemoved, rebuilt.StudyTotalsCorrected));
        await using AsyncServiceScope check = host.Services.CreateAsyncScope();
        PorticoDbContext after = check.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Study rebuiltStudy = await after.Studies.Include(s => s.Labels).ThenInclude(l => l.Label).SingleAsync(s => s.StudyInstanceUid == study, Ct);
        Assert.Equal(WorkflowStatus.Finalized, rebuiltStudy.WorkflowStatus);
        Assert.Equal([DefaultLabels.Uploaded], rebuiltStudy.Labels.Select(l => l.Label.Name));
        Assert.Equal("tester@example.org", rebuiltStudy.Labels.Single().AddedBy);
        Assert.Equal((1, 1), (rebuiltStudy.NumberOfSeries, rebuiltStudy.NumberOfInstances));
        Assert.True(await after.Instances.AnyAsync(i => i.SopInstanceUid == kept, Ct));
    }

    private sealed record Snapshot(string[] Studies, string[] Series, string[] Instances);

    /// <summary>What the Study List and the instance rows say about two studies, as comparable text (no ids, no times).</summary>
    private static async Task<Snapshot> SnapshotAsync(PipelineHost host, params string[] studyUids)
    {
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        string[] studies = [.. (await db.Studies.AsNoTracking().Include(s => s.Patient).Where(s => studyUids.Contains(s.StudyInstanceUid)).ToListAsync(Ct))
            .Select(s => $"{s.StudyInstanceUid} {s.Patient.PatientName} {s.Patient.PatientId} {s.StudyDate} {s.Description} {s.AccessionNumber} {s.Modalities} {s.NumberOfSeries} {s.NumberOfInstances} {s.SizeBytes}")
            .Order(StringComparer.Ordinal)];
        string[] series = [.. (await db.Series.AsNoTracking().Include(s => s.Study).Where(s => studyUids.Contains(s.Study.StudyInstanceUid)).ToListAsync(Ct))
            .Select(s => $"{s.Study.StudyInstanceUid} {s.SeriesInstanceUid} {s.Modality} {s.SeriesNumber} {s.Description} {s.NumberOfInstances}")
            .Order(StringComparer.Ordinal)];
        string[] instances = [.. (await db.Instances.AsNoTracking().Include(i => i.Series).Where(i => studyUids.Contains(i.Series.Study.StudyInstanceUid)).ToListAsync(Ct))
            .Select(i => $"{i.Series.SeriesInstanceUid} {i.SopInstanceUid} {i.SopClassUid} {i.InstanceNumber} {i.TransferSyntaxUid} {i.SizeBytes} {i.Sha256} {i.BlobKey}")
            .Order(StringComparer.Ordinal)];
        Assert.NotEmpty(instances);
        return new Snapshot(studies, series, instances);
    }

    private static async Task<PipelineHost> StartAsync()
    {
        PipelineHost host = await PipelineHost.StartAsync();
        // Start-up recovery runs once on the empty store; wait for it so it never races with what a test does.
        await host.Services.GetRequiredService<IndexRecovery>().Completed.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        return host;
    }

    private static Action<Portico.Dicom.Data.DicomDataset> SameStudy(string studyUid, string seriesUid) => ds =>
    {
        ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
    };

    private static async Task<string> IngestAsync(PipelineHost host, string file, string studyUid, string seriesUid, Action<Portico.Dicom.Data.DicomDataset>? change = null)
    {
        string sop = UidGenerator.NewUid();
        Action<Portico.Dicom.Data.DicomDataset> changes = SameStudy(studyUid, seriesUid) + change;
        IngestOutcome outcome = await host.Services.GetRequiredService<IngestPipeline>().IngestFileAsync(host.Spool(file, sop, changes), Source, Ct);
        Assert.Equal(IngestStatus.Stored, outcome.Status);
        return sop;
    }

    private static async Task<Instance> InstanceAsync(PipelineHost host, string sop)
    {
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Instances.AsNoTracking().SingleAsync(i => i.SopInstanceUid == sop, Ct);
    }

    private static async Task<int> CountAsync<T>(PipelineHost host, Func<PorticoDbContext, IQueryable<T>> query)
    {
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>()).CountAsync(Ct);
    }

    private static IBlobStore Blobs(PipelineHost host) => host.Services.GetRequiredService<IBlobStore>();

    private static FileBlobStore Store(PipelineHost host) => host.Services.GetRequiredService<FileBlobStore>();

    private static string BlobPath(PipelineHost host, string key) => Path.Combine(Store(host).RootDirectory, "blobs", key[..2], key);
}
