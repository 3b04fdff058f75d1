using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Portico.Storage;
using Xunit;

namespace Portico.Ingest.Tests.Pipeline;

/// <summary>Source policies that rewrite attributes, label the study and set its status (the Upload Portal's intake).</summary>
public sealed class IngestPolicyTests
{
    private static readonly IngestSource Portal = new(IngestSourceKind.UploadCode, "session-1", "code …7QX4", "127.0.0.1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("CT_small.dcm")] // explicit little endian, native pixel data
    [InlineData("SC_rgb_jpeg_dcmd.dcm")] // encapsulated JPEG, fragments larger than the defer threshold
    [InlineData("ExplVR_BigEnd.dcm")] // explicit big endian
    [InlineData("waveform_ecg.dcm")] // a 290 KB waveform kept as a range while copying
    public async Task A_replacing_policy_stores_the_new_values_and_everything_else_unchanged(string sample)
    {
        var policy = new FixedPolicy(new PolicyDecision
        {
            Replacements = new Dictionary<DicomTag, string> { [DicomTags.PatientID] = "UP-NEWID", [DicomTags.AccessionNumber] = "UA-NEWACC" },
            StudyLabels = [DefaultLabels.Uploaded],
            StudyStatus = WorkflowStatus.Finalized,
        });
        await using PipelineHost host = await PipelineHost.StartAsync(configure: s => s.AddSingleton<IIngestPolicy>(policy));
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string path = host.Spool(sample);
        DicomFile original = DicomFile.Open(path, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue });
        Dictionary<DicomTag, string> before = Fingerprint(original.Dataset);

        IngestOutcome outcome = await pipeline.IngestFileAsync(path, Portal, Ct);

        Assert.Equal(IngestStatus.Stored, outcome.Status);
        Assert.False(File.Exists(path));
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Instance row = await db.Instances.SingleAsync(i => i.SopInstanceUid == outcome.SopInstanceUid, Ct);
        Study study = await db.Studies.Include(s => s.Patient).Include(s => s.Labels).ThenInclude(l => l.Label).SingleAsync(s => s.StudyInstanceUid == outcome.StudyInstanceUid, Ct);
        Assert.Equal("UP-NEWID", study.Patient.PatientId);
        Assert.Equal("UA-NEWACC", study.AccessionNumber);
        Assert.Equal(WorkflowStatus.Finalized, study.WorkflowStatus);
        Assert.Equal([DefaultLabels.Uploaded], study.Labels.Select(l => l.Label.Name));
        Assert.Equal("code …7QX4", study.Labels.Single().AddedBy);

        IBlobStore blobs = host.Services.GetRequiredService<IBlobStore>();
        DicomFile stored;
        await using (Stream blob = blobs.OpenRead(BlobKey.Parse(row.BlobKey)))
        {
            Assert.Equal(row.SizeBytes, blob.Length);
            Assert.Equal(row.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(blob, Ct)));
            blob.Position = 0;
            stored = await DicomFile.ReadAsync(blob, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue }, Ct);
        }

        Assert.Equal("UP-NEWID", stored.Dataset.GetString(DicomTags.PatientID));
        Assert.Equal("UA-NEWACC", stored.Dataset.GetString(DicomTags.AccessionNumber));
        Assert.Equal(original.TransferSyntax, stored.TransferSyntax);
        Dictionary<DicomTag, string> after = Fingerprint(stored.Dataset);
        before.Remove(DicomTags.PatientID);
        before.Remove(DicomTags.AccessionNumber);
        after.Remove(DicomTags.PatientID);
        after.Remove(DicomTags.AccessionNumber);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_removing_policy_stores_the_file_without_those_attributes_and_everything_else_unchanged()
    {
        var policy = new FixedPolicy(new PolicyDecision
        {
            Replacements = new Dictionary<DicomTag, string> { [DicomTags.PatientID] = "UP-NEWID" },
            Removals = [DicomTags.OtherPatientIDs, DicomTags.OtherPatientIDsSequence, DicomTags.IssuerOfPatientIDQualifiersSequence],
        });
        await using PipelineHost host = await PipelineHost.StartAsync(configure: s => s.AddSingleton<IIngestPolicy>(policy));
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string path = host.Spool("CT_small.dcm", change: ds =>
        {
            ds.AddOrUpdate(DicomTags.OtherPatientIDs, Portico.Dicom.Values.DicomVR.LO, @"SENDER-1\SENDER-2");
            var other = new DicomDataset();
            other.AddOrUpdate(DicomTags.PatientID, Portico.Dicom.Values.DicomVR.LO, "SENDER-3");
            other.AddOrUpdate(DicomTags.IssuerOfPatientID, Portico.Dicom.Values.DicomVR.LO, "OTHER-HOSPITAL");
            ds.Add(new DicomSequence(DicomTags.OtherPatientIDsSequence, other));
        });
        DicomFile original = DicomFile.Open(path, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue });
        Assert.True(original.Dataset.Contains(DicomTags.OtherPatientIDsSequence));
        Dictionary<DicomTag, string> before = Fingerprint(original.Dataset);

        IngestOutcome outcome = await pipeline.IngestFileAsync(path, Portal, Ct);

        Assert.Equal(IngestStatus.Stored, outcome.Status);
        DicomFile stored = await ReadStoredAsync(host, outcome.SopInstanceUid!);
        Assert.False(stored.Dataset.Contains(DicomTags.OtherPatientIDs));
        Assert.False(stored.Dataset.Contains(DicomTags.OtherPatientIDsSequence));
        Assert.Equal("UP-NEWID", stored.Dataset.GetString(DicomTags.PatientID));
        Dictionary<DicomTag, string> after = Fingerprint(stored.Dataset);
        foreach (DicomTag changed in new[] { DicomTags.PatientID, DicomTags.OtherPatientIDs, DicomTags.OtherPatientIDsSequence })
        {
            before.Remove(changed);
            after.Remove(changed);
        }

        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_removing_policy_stores_a_file_without_those_attributes_as_it_came()
    {
        var policy = new FixedPolicy(new PolicyDecision { Removals = [DicomTags.OtherPatientIDs, DicomTags.OtherPatientIDsSequence] });
        await using PipelineHost host = await PipelineHost.StartAsync(configure: s => s.AddSingleton<IIngestPolicy>(policy));
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        // CT_small comes with an Other Patient IDs Sequence: without it, the file has nothing to remove.
        string path = host.Spool("CT_small.dcm", change: ds => ds.Remove(DicomTags.OtherPatientIDsSequence));
        DicomDataset spooled = DicomFile.Open(path, DicomFileReadOptions.Default).Dataset;
        Assert.False(spooled.Contains(DicomTags.OtherPatientIDs) || spooled.Contains(DicomTags.OtherPatientIDsSequence));
        string sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path, Ct)));

        IngestOutcome outcome = await pipeline.IngestFileAsync(path, Portal, Ct);

        Assert.Equal(IngestStatus.Stored, outcome.Status);
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Assert.Equal(sha, await db.Instances.Where(i => i.SopInstanceUid == outcome.SopInstanceUid).Select(i => i.Sha256).SingleAsync(Ct));
    }

    [Fact]
    public async Task Labels_are_added_once_to_a_study_that_already_has_them()
    {
        var policy = new FixedPolicy(new PolicyDecision { StudyLabels = [DefaultLabels.Uploaded, "Outside"] });
        await using PipelineHost host = await PipelineHost.StartAsync(configure: s => s.AddSingleton<IIngestPolicy>(policy));
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string studyUid = Portico.Dicom.Uids.UidGenerator.NewUid();
        void SameStudy(DicomDataset ds) => ds.AddOrUpdate(DicomTags.StudyInstanceUID, Portico.Dicom.Values.DicomVR.UI, studyUid);

        IngestOutcome[] outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => pipeline.IngestFileAsync(host.Spool("CT_small.dcm", change: SameStudy), Portal, Ct)));
        IngestOutcome later = await pipeline.IngestFileAsync(host.Spool("CT_small.dcm", change: SameStudy), Portal, Ct);

        Assert.All(outcomes.Append(later), o => Assert.Equal(IngestStatus.Stored, o.Status));
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        string[] names = await db.StudyLabels.Where(l => l.Study.StudyInstanceUid == studyUid).Select(l => l.Label.Name).OrderBy(n => n).ToArrayAsync(Ct);
        Assert.Equal(["Outside", DefaultLabels.Uploaded], names);
        Assert.Equal(WorkflowStatus.New, await db.Studies.Where(s => s.StudyInstanceUid == studyUid).Select(s => s.WorkflowStatus).SingleAsync(Ct));
    }

    [Fact]
    public async Task A_refusing_policy_stores_nothing_and_says_why()
    {
        var policy = new FixedPolicy(PolicyDecision.Refuse("Portal files need a portal session."));
        await using PipelineHost host = await PipelineHost.StartAsync(configure: s => s.AddSingleton<IIngestPolicy>(policy));
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        string path = host.Spool("CT_small.dcm");

        IngestOutcome outcome = await pipeline.IngestFileAsync(path, Portal, Ct);

        Assert.Equal(IngestStatus.Rejected, outcome.Status);
        Assert.Equal("Portal files need a portal session.", outcome.Reason);
        Assert.False(File.Exists(path));
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<PorticoDbContext>().Instances.AnyAsync(Ct));
    }

    [Fact]
    public async Task RewriteStored_writes_a_new_blob_and_leaves_the_old_one()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        IngestOutcome outcome = await pipeline.IngestFileAsync(host.Spool("CT_small.dcm"), Portal, Ct);
        BlobKey old;
        await using (AsyncServiceScope scope = host.Services.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            old = BlobKey.Parse(await db.Instances.Where(i => i.SopInstanceUid == outcome.SopInstanceUid).Select(i => i.BlobKey).SingleAsync(Ct));
        }

        BlobInfo rewritten = await pipeline.RewriteStoredAsync(old, new Dictionary<DicomTag, string> { [DicomTags.PatientName] = "Merged^Patient", [DicomTags.PatientID] = "LOCAL-42" }, Ct);

        IBlobStore blobs = host.Services.GetRequiredService<IBlobStore>();
        Assert.NotEqual(old, rewritten.Key);
        Assert.True(blobs.Exists(old));
        await using Stream stream = blobs.OpenRead(rewritten.Key);
        DicomFile file = await DicomFile.ReadAsync(stream, DicomFileReadOptions.Default, Ct);
        Assert.Equal("Merged^Patient", file.Dataset.GetString(DicomTags.PatientName));
        Assert.Equal("LOCAL-42", file.Dataset.GetString(DicomTags.PatientID));
        Assert.Equal(outcome.SopInstanceUid, file.Dataset.GetString(DicomTags.SOPInstanceUID));
        Assert.Empty(Directory.EnumerateFiles(blobs.TempDirectory, "rewrite-*"));
    }

    private static async Task<DicomFile> ReadStoredAsync(PipelineHost host, string sopInstanceUid)
    {
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        string key = await db.Instances.Where(i => i.SopInstanceUid == sopInstanceUid).Select(i => i.BlobKey).SingleAsync(Ct);
        await using Stream blob = host.Services.GetRequiredService<IBlobStore>().OpenRead(BlobKey.Parse(key));
        return await DicomFile.ReadAsync(blob, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue }, Ct);
    }

    /// <summary>Every top-level element as tag → SHA-256 of its bytes (fragments concatenated), sequences by their item count.</summary>
    private static Dictionary<DicomTag, string> Fingerprint(DicomDataset dataset)
    {
        var result = new Dictionary<DicomTag, string>();
        foreach (DicomItem item in dataset)
        {
            result[item.Tag] = item switch
            {
                DicomElement e => item.VR + ":" + Convert.ToHexStringLower(SHA256.HashData(e.Value.Span)),
                DicomFragments f => item.VR + ":" + Convert.ToHexStringLower(SHA256.HashData(f.Fragments.SelectMany(x => x.Data.ToArray()).ToArray())) + "/" + f.Fragments.Count,
                DicomSequence s => "SQ:" + s.Items.Count,
                _ => item.VR.ToString(),
            };
        }

        return result;
    }

    private sealed class FixedPolicy(PolicyDecision decision) : IIngestPolicy
    {
        public ValueTask<PolicyDecision> EvaluateAsync(DicomFile header, InstanceHeader instance, IngestSource source, CancellationToken cancellationToken) =>
            ValueTask.FromResult(decision);
    }
}
