using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Network.Services;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Ingest.Dicom;
using Portico.Ingest.Pipeline;
using Portico.Ingest.Tests.Pipeline;
using Portico.Storage;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Ingest.Tests.Dicom;

/// <summary>A C-STORE data set arriving in PDVs, written as a Part 10 file and ingested (PS3.4 §B.2.3 statuses).</summary>
public sealed class CStoreTargetTests
{
    private const string CallingAETitle = "ROOM1_CT";
    private const long NoLimit = long.MaxValue;

    private static readonly IngestSource Source = new(IngestSourceKind.DicomIdentity, "identity-1", CallingAETitle, "192.0.2.10:104");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CompleteAsync_DataSetInSmallChunks_StoresPart10FileWithTheDataSetAsReceived()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();

        DimseResult result = await StoreAsync(host, Request(sample), sample.DataSet, chunk: 7);

        Assert.Equal(DimseResult.Success, result);
        Instance stored = await InstanceAsync(host, sample.SopInstanceUid) ?? throw new Xunit.Sdk.XunitException("not indexed");
        byte[] file = await ReadBlobAsync(host, stored.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), stored.Sha256);
        Assert.Equal(file.Length, stored.SizeBytes);
        Assert.Equal(sample.TransferSyntaxUid, stored.TransferSyntaxUid);

        // Preamble, "DICM", group 0002 in explicit VR little endian, then the data set byte for byte.
        Assert.All(file[..128], b => Assert.Equal(0, b));
        Assert.Equal("DICM"u8.ToArray(), file[128..132]);
        Assert.Equal(sample.DataSet, file[DataSetOffset(file)..]);
        DicomFile part10 = await DicomFile.ReadAsync(new MemoryStream(file), cancellationToken: Ct);
        Assert.Equal(sample.SopClassUid, part10.Meta.GetString(DicomTags.MediaStorageSOPClassUID));
        Assert.Equal(sample.SopInstanceUid, part10.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID));
        Assert.Equal(sample.TransferSyntaxUid, part10.Meta.GetString(DicomTags.TransferSyntaxUID));
        Assert.Equal(DicomFileWriter.ImplementationClassUid, part10.Meta.GetString(DicomTags.ImplementationClassUID));
        // No Source AE Title: the same data set from another device must be the same file (see the next test).
        Assert.False(part10.Meta.Contains(DicomTags.SourceApplicationEntityTitle));
        Assert.Equal(sample.SopInstanceUid, part10.Dataset.GetString(DicomTags.SOPInstanceUID));
        Assert.Empty(TempFiles(host));
    }

    [Fact]
    public async Task CompleteAsync_SameInstanceTwice_IsSuccessAndStoredOnce()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();

        DimseResult first = await StoreAsync(host, Request(sample), sample.DataSet, chunk: 4096);
        DimseResult second = await StoreAsync(host, Request(sample), sample.DataSet, chunk: 1000);

        Assert.Equal(DimseResult.Success, first);
        Assert.Equal(DimseResult.Success, second);
        Assert.Equal(1, await BlobCountAsync(host));
        Assert.Empty(TempFiles(host));
    }

    [Fact]
    public async Task CompleteAsync_AnsweredBeforeTheIndexCommit_TheRowFollowsAndRepeatsAreJudgedAsUsual()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();
        Sample changed = await Sample.CreateAsync(sample.SopInstanceUid, ds => ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "changed"));

        // Three in a row, without waiting: the second and third may find the first's row still uncommitted.
        DimseResult first = await StoreAsync(host, Request(sample), sample.DataSet, chunk: 4096, waitForIndex: false);
        DimseResult again = await StoreAsync(host, Request(sample), sample.DataSet, chunk: 4096, waitForIndex: false);
        DimseResult conflicting = await StoreAsync(host, Request(changed), changed.DataSet, chunk: 4096, waitForIndex: false);

        Assert.Equal(DimseResult.Success, first);
        Assert.Equal(DimseResult.Success, again);
        Assert.Equal(CStoreTarget.DuplicateSopInstance, conflicting.Status);
        Instance? row = null;
        for (int i = 0; i < 100 && row is null; i++)
        {
            row = await InstanceAsync(host, sample.SopInstanceUid);
            if (row is null)
            {
                await Task.Delay(20, Ct);
            }
        }

        Assert.NotNull(row);
        Assert.Equal(1, await BlobCountAsync(host));
        Assert.Empty(TempFiles(host));
    }

    [Fact]
    public async Task CompleteAsync_SameInstanceFromAnotherDevice_IsADuplicateNotAConflict()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();
        StoreRequest fromOtherDevice = Request(sample) with
        {
            Association = new AssociationContext(2, "ROOM2_CT", "PORTICO", null, TransportSecurity.None, null),
        };

        DimseResult first = await StoreAsync(host, Request(sample), sample.DataSet, chunk: 4096);
        DimseResult second = await StoreAsync(host, fromOtherDevice, sample.DataSet, chunk: 4096);

        Assert.Equal(DimseResult.Success, first);
        Assert.Equal(DimseResult.Success, second);
        Assert.Equal(1, await BlobCountAsync(host));
    }

    [Fact]
    public async Task CompleteAsync_SameUidOtherContent_KeepsTheStoredOneAndFailsWithDuplicateSopInstance()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();
        Sample changed = await Sample.CreateAsync(sample.SopInstanceUid, ds => ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "changed"));
        await StoreAsync(host, Request(sample), sample.DataSet, chunk: 4096);
        string sha = (await InstanceAsync(host, sample.SopInstanceUid))!.Sha256;

        DimseResult result = await StoreAsync(host, Request(changed), changed.DataSet, chunk: 4096);

        Assert.Equal(CStoreTarget.DuplicateSopInstance, result.Status);
        Assert.Equal(0x0111, result.Status);
        Assert.Contains("stored one was kept", result.ErrorComment, StringComparison.Ordinal);
        Assert.Equal(sha, (await InstanceAsync(host, sample.SopInstanceUid))!.Sha256);
        Assert.Equal(1, await BlobCountAsync(host));
        Assert.Empty(TempFiles(host));
    }

    [Fact]
    public async Task CompleteAsync_SameUidOtherContentWithOverwrite_ReplacesAndSucceeds()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(settings: new() { ["Portico:Ingest:OnConflict"] = "Overwrite" });
        Sample sample = await Sample.CreateAsync();
        Sample changed = await Sample.CreateAsync(sample.SopInstanceUid, ds => ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "changed"));
        await StoreAsync(host, Request(sample), sample.DataSet, chunk: 4096, ConflictPolicy.Overwrite);

        DimseResult result = await StoreAsync(host, Request(changed), changed.DataSet, chunk: 4096, ConflictPolicy.Overwrite);

        Assert.Equal(DimseResult.Success, result);
        byte[] file = await ReadBlobAsync(host, (await InstanceAsync(host, sample.SopInstanceUid))!.Sha256);
        Assert.Equal(changed.DataSet, file[DataSetOffset(file)..]);
    }

    [Fact]
    public async Task CompleteAsync_CommandSopInstanceUidDiffersFromDataSet_FailsWithA900AndStoresNothing()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();
        string announced = UidGenerator.NewUid();

        DimseResult result = await StoreAsync(host, Request(sample) with { SopInstanceUid = announced }, sample.DataSet, chunk: 4096);

        Assert.Equal(CStoreTarget.DataSetDoesNotMatchSopClass, result.Status);
        Assert.Equal(0xA900, result.Status);
        Assert.False(string.IsNullOrEmpty(result.ErrorComment));
        Assert.Null(await InstanceAsync(host, sample.SopInstanceUid));
        Assert.Null(await InstanceAsync(host, announced));
        Assert.Equal(0, await BlobCountAsync(host));
        Assert.Empty(TempFiles(host));
    }

    [Fact]
    public async Task CompleteAsync_CommandSopClassUidDiffersFromDataSet_FailsWithA900AndStoresNothing()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();

        DimseResult result = await StoreAsync(host, Request(sample) with { SopClassUid = "1.2.840.10008.5.1.4.1.1.4" }, sample.DataSet, chunk: 4096);

        Assert.Equal(0xA900, result.Status);
        Assert.Null(await InstanceAsync(host, sample.SopInstanceUid));
        Assert.Equal(0, await BlobCountAsync(host));
        Assert.Empty(TempFiles(host));
    }

    [Theory]
    [InlineData(300)] // inside the header
    [InlineData(-100)] // inside Pixel Data
    [InlineData(-1)]
    public async Task CompleteAsync_TruncatedDataSet_FailsAndStoresNothing(int cut)
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();
        byte[] truncated = cut > 0 ? sample.DataSet[..cut] : sample.DataSet[..^-cut];

        DimseResult result = await StoreAsync(host, Request(sample), truncated, chunk: 512);

        Assert.Equal(CStoreTarget.CannotUnderstand, result.Status);
        Assert.False(string.IsNullOrEmpty(result.ErrorComment));
        Assert.Null(await InstanceAsync(host, sample.SopInstanceUid));
        Assert.Equal(0, await BlobCountAsync(host));
        Assert.Empty(TempFiles(host));
    }

    [Fact]
    public async Task DisposeAsync_WithoutComplete_LeavesNothing()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();

        await using (CStoreTarget target = CStoreTarget.Create(pipeline, Request(sample), Source, NoLimit, ConflictPolicy.KeepExisting))
        {
            await target.WriteAsync(sample.DataSet.AsMemory(0, 1000), Ct);
            Assert.Single(TempFiles(host)); // written while the PDVs arrive
        }

        Assert.Empty(TempFiles(host));
        Assert.Null(await InstanceAsync(host, sample.SopInstanceUid));
        Assert.Equal(0, await BlobCountAsync(host));
    }

    [Fact]
    public async Task WriteAsync_BeyondTheSizeLimit_ThrowsOutOfResourcesAndDisposeLeavesNothing()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();

        await using (CStoreTarget target = CStoreTarget.Create(pipeline, Request(sample), Source, maxBytes: 2000, ConflictPolicy.KeepExisting))
        {
            DimseServiceException refused = await Assert.ThrowsAsync<DimseServiceException>(async () =>
            {
                for (int offset = 0; offset < sample.DataSet.Length; offset += 256)
                {
                    await target.WriteAsync(sample.DataSet.AsMemory(offset, Math.Min(256, sample.DataSet.Length - offset)), Ct);
                }
            });
            Assert.Equal(CStoreTarget.OutOfResources, refused.Status);
            Assert.Equal(0xA700, refused.Status);
            Assert.True(new FileInfo(Assert.Single(TempFiles(host))).Length <= 2000);
        }

        Assert.Empty(TempFiles(host));
        Assert.Null(await InstanceAsync(host, sample.SopInstanceUid));
    }

    [Fact]
    public async Task WriteAsync_AfterDispose_Throws()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        Sample sample = await Sample.CreateAsync();
        CStoreTarget target = CStoreTarget.Create(host.Services.GetRequiredService<IngestPipeline>(), Request(sample), Source, NoLimit, ConflictPolicy.KeepExisting);
        await target.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => target.WriteAsync(sample.DataSet, Ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => target.CompleteAsync(Ct).AsTask());
        Assert.Empty(TempFiles(host));
    }

    [Theory]
    [InlineData(IngestStatus.Stored, ConflictPolicy.KeepExisting, null, 0x0000)]
    [InlineData(IngestStatus.Duplicate, ConflictPolicy.KeepExisting, null, 0x0000)]
    [InlineData(IngestStatus.Conflict, ConflictPolicy.KeepExisting, null, 0x0111)]
    [InlineData(IngestStatus.Conflict, ConflictPolicy.Overwrite, null, 0x0000)]
    [InlineData(IngestStatus.Rejected, ConflictPolicy.KeepExisting, null, 0xC000)]
    [InlineData(IngestStatus.Rejected, ConflictPolicy.KeepExisting, "1.2.3", 0xC000)]
    [InlineData(IngestStatus.Rejected, ConflictPolicy.KeepExisting, "1.2.4", 0xA900)]
    public void ToDimse_EachOutcome_MapsToItsStatus(IngestStatus status, ConflictPolicy policy, string? outcomeUid, int expected)
    {
        DimseResult result = CStoreTarget.ToDimse(new IngestOutcome(status, outcomeUid, null, "why"), "1.2.3", policy);

        Assert.Equal(expected, result.Status);
    }

    private static async Task<DimseResult> StoreAsync(
        PipelineHost host, StoreRequest request, byte[] dataSet, int chunk, ConflictPolicy onConflict = ConflictPolicy.KeepExisting, bool waitForIndex = true)
    {
        IngestPipeline pipeline = host.Services.GetRequiredService<IngestPipeline>();
        await using CStoreTarget target = CStoreTarget.Create(pipeline, request, Source, NoLimit, onConflict, waitForIndex);
        for (int offset = 0; offset < dataSet.Length; offset += chunk)
        {
            // A fresh buffer each time, overwritten after the call: the memory is only valid during WriteAsync.
            byte[] pdv = dataSet.AsSpan(offset, Math.Min(chunk, dataSet.Length - offset)).ToArray();
            await target.WriteAsync(pdv, Ct);
            Array.Fill(pdv, (byte)0xEE);
        }

        return await target.CompleteAsync(Ct);
    }

    private static StoreRequest Request(Sample sample) => new(
        new AssociationContext(1, CallingAETitle, "PORTICO", null, TransportSecurity.None, null),
        sample.SopClassUid,
        sample.SopInstanceUid,
        sample.TransferSyntaxUid,
        MoveOriginatorAETitle: null);

    /// <summary>Where the data set starts: after the preamble, "DICM" and the group length (0002,0000) says how much meta.</summary>
    private static int DataSetOffset(byte[] part10)
    {
        Assert.Equal(new byte[] { 0x02, 0x00, 0x00, 0x00, (byte)'U', (byte)'L', 4, 0 }, part10[132..140]);
        return 144 + checked((int)BinaryPrimitives.ReadUInt32LittleEndian(part10.AsSpan(140)));
    }

    private static string[] TempFiles(PipelineHost host)
    {
        string temp = host.Services.GetRequiredService<IBlobStore>().TempDirectory;
        return Directory.Exists(temp) ? Directory.GetFiles(temp, "*", SearchOption.AllDirectories) : [];
    }

    private static async Task<Instance?> InstanceAsync(PipelineHost host, string sopInstanceUid)
    {
        await using AsyncServiceScope scope = host.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        return await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.SopInstanceUid == sopInstanceUid, Ct);
    }

    private static async Task<byte[]> ReadBlobAsync(PipelineHost host, string sha256)
    {
        await using Stream blob = host.Services.GetRequiredService<IBlobStore>().OpenRead(BlobKey.Parse(sha256));
        using var copy = new MemoryStream();
        await blob.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    private static async Task<int> BlobCountAsync(PipelineHost host)
    {
        int count = 0;
        await foreach (BlobInfo _ in host.Services.GetRequiredService<IBlobStore>().EnumerateAsync(Ct))
        {
            count++;
        }

        return count;
    }

    /// <summary>pydicom's CT_small.dcm with new UIDs: its data set bytes (no meta) and what a C-STORE-RQ would announce.</summary>
    private sealed record Sample(byte[] DataSet, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid)
    {
        public static async Task<Sample> CreateAsync(string? sopInstanceUid = null, Action<DicomDataset>? change = null)
        {
            byte[] part10 = DicomSamples.WithNewUids("CT_small.dcm", out _, out string sop, sopInstanceUid, change);
            DicomFile file = await DicomFile.ReadAsync(new MemoryStream(part10), cancellationToken: Ct);
            return new Sample(part10[DataSetOffset(part10)..], file.Dataset.GetString(DicomTags.SOPClassUID)!, sop, file.TransferSyntax.Uid);
        }
    }
}
