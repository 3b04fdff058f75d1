using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Portico.Storage;
using Xunit;

namespace Portico.Ingest.Tests.Pipeline;

public sealed class IngestPipelineTests
{
    private static readonly IngestSource Source = new(IngestSourceKind.User, "u1", "tester@example.org", "127.0.0.1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IngestFile_ConflictWithOverwritePolicy_ReplacesTheStoredInstanceAndItsBlob()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(settings: new() { ["Portico:Ingest:OnConflict"] = "Overwrite" });
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string sop = Portico.Dicom.Uids.UidGenerator.NewUid();
        IngestOutcome first = await pipeline.IngestFileAsync(host.Spool("CT_small.dcm", sop), Source, Ct);
        string firstSha = await ShaOfAsync(host, sop);

        IngestOutcome second = await pipeline.IngestFileAsync(host.Spool("CT_small.dcm", sop, ds => ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "changed")), Source, Ct);

        Assert.Equal(IngestStatus.Stored, first.Status);
        Assert.Equal(IngestStatus.Conflict, second.Status);
        Assert.Contains("replaced", second.Reason, StringComparison.Ordinal);
        string secondSha = await ShaOfAsync(host, sop);
        Assert.NotEqual(firstSha, secondSha);
        IBlobStore blobs = host.Services.GetRequiredService<IBlobStore>();
        Assert.False(blobs.Exists(BlobKey.Parse(firstSha))); // the replaced blob is gone
        Assert.True(blobs.Exists(BlobKey.Parse(secondSha)));
    }

    [Fact]
    public async Task IngestFile_ConflictKeepingExisting_RemovesTheNewBlob()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string sop = Portico.Dicom.Uids.UidGenerator.NewUid();
        await pipeline.IngestFileAsync(host.Spool("CT_small.dcm", sop), Source, Ct);

        IngestOutcome second = await pipeline.IngestFileAsync(host.Spool("CT_small.dcm", sop, ds => ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "changed")), Source, Ct);

        Assert.Equal(IngestStatus.Conflict, second.Status);
        IBlobStore blobs = host.Services.GetRequiredService<IBlobStore>();
        int count = 0;
        await foreach (BlobInfo _ in blobs.EnumerateAsync(Ct))
        {
            count++;
        }

        Assert.Equal(1, count);
    }

    [Fact]
    public async Task IngestFile_MissingStudyUid_IsRejectedAndLeavesNoFile()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string path = host.Spool("CT_small.dcm", change: ds => ds.Remove(DicomTags.StudyInstanceUID));

        IngestOutcome outcome = await pipeline.IngestFileAsync(path, Source, Ct);

        Assert.Equal(IngestStatus.Rejected, outcome.Status);
        Assert.Equal("The Study Instance UID (0020,000D) is missing.", outcome.Reason);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task IngestFile_ManyConcurrent_AreAllStoredWithCorrectCounts()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string studyUid = Portico.Dicom.Uids.UidGenerator.NewUid();
        string seriesUid = Portico.Dicom.Uids.UidGenerator.NewUid();
        string[] paths = [.. Enumerable.Range(0, 60).Select(_ => host.Spool("CT_small.dcm", change: ds =>
        {
            ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
            ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
        }))];

        IngestOutcome[] outcomes = await Task.WhenAll(paths.Select(p => Task.Run(() => pipeline.IngestFileAsync(p, Source, Ct), Ct)));

        Assert.All(outcomes, o => Assert.Equal(IngestStatus.Stored, o.Status));
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Study study = await db.Studies.SingleAsync(s => s.StudyInstanceUid == studyUid, Ct);
        Assert.Equal(60, study.NumberOfInstances);
        Assert.Equal(1, study.NumberOfSeries);
        Assert.Equal(60, await db.Instances.CountAsync(i => i.Series.StudyId == study.Id, Ct));
    }

    [Fact]
    public async Task Recovery_BlobWithoutIndexRow_IsIndexedAtStart()
    {
        string directory;
        string sop = Portico.Dicom.Uids.UidGenerator.NewUid();
        await using (PipelineHost first = await PipelineHost.StartAsync(startHostedServices: false))
        {
            directory = first.Directory;
            // A crash after the blob's rename and before its index commit: the blob is there, the row is not.
            IBlobStore blobs = first.Services.GetRequiredService<IBlobStore>();
            await blobs.ImportFileAsync(first.Spool("MR_small.dcm", sop), Ct);
            first.KeepDirectory = true; // the second host starts on it
        }

        await using PipelineHost second = await PipelineHost.StartAsync(directory);
        await second.Services.GetRequiredService<IndexRecovery>().Completed.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        await using AsyncServiceScope scope = second.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Instance recovered = await db.Instances.SingleAsync(i => i.SopInstanceUid == sop, Ct);
        Assert.Equal(IngestSourceKind.Import, recovered.Source.Kind);
    }

    private static async Task<string> ShaOfAsync(PipelineHost host, string sop)
    {
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        return await db.Instances.Where(i => i.SopInstanceUid == sop).Select(i => i.Sha256).SingleAsync(Ct);
    }
}
