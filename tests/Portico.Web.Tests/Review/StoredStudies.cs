using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Index;
using Portico.Storage;
using Portico.Tests.Shared;
using Portico.Web.Tests.DicomNetwork;
using Xunit;

namespace Portico.Web.Tests.Review;

/// <summary>A study's patient as the test uploads it.</summary>
internal sealed record TestPatient(string Name, string Id, string? BirthDate = null, string? Sex = null);

/// <summary>One stored instance as the index points to it.</summary>
internal sealed record StoredInstance(string SopInstanceUid, string BlobKey, string Sha256, long SizeBytes);

/// <summary>Uploads multi-instance studies and reads their stored files back, with Portico's reader and DCMTK's dcmdump.</summary>
internal static class StoredStudies
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One instance per sample, all in one new study with <paramref name="patient"/>; returns the Study Instance UID.</summary>
    public static async Task<string> UploadAsync(PorticoFactory factory, TestPatient patient, params string[] samples)
    {
        string studyUid = UidGenerator.NewUid();
        foreach (string sample in samples)
        {
            byte[] bytes = DicomSamples.WithNewUids(sample, out _, out _, change: ds =>
            {
                ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
                ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, patient.Name);
                ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, patient.Id);
                ds.AddOrUpdate(DicomTags.PatientBirthDate, DicomVR.DA, patient.BirthDate ?? "");
                ds.AddOrUpdate(DicomTags.PatientSex, DicomVR.CS, patient.Sex ?? "");
            });
            using HttpResponseMessage response = await factory.PostDicomAsync(bytes);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return studyUid;
    }

    public static async Task<List<StoredInstance>> InstancesAsync(PorticoFactory factory, string studyUid) =>
        await WithDbAsync(factory, db => db.Instances.Where(i => i.Series.Study.StudyInstanceUid == studyUid).OrderBy(i => i.SopInstanceUid)
            .Select(i => new StoredInstance(i.SopInstanceUid, i.BlobKey, i.Sha256, i.SizeBytes)).ToListAsync(Ct));

    public static bool BlobExists(PorticoFactory factory, string key)
    {
        using IServiceScope scope = factory.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<IBlobStore>().Exists(BlobKey.Parse(key));
    }

    /// <summary>The stored file of an instance as served by <c>/api/instances/{uid}/file</c>, read by Portico.</summary>
    public static async Task<DicomDataset> ReadAsync(HttpClient client, string sopInstanceUid)
    {
        await using var stream = new MemoryStream(await client.GetByteArrayAsync($"/api/instances/{sopInstanceUid}/file", Ct));
        DicomFile file = await DicomFile.ReadAsync(stream, DicomFileReadOptions.Default, Ct);
        return file.Dataset;
    }

    /// <summary>DCMTK's dump of the stored file (dcmdump must read it without error).</summary>
    public static async Task<string> DcmdumpAsync(HttpClient client, string sopInstanceUid)
    {
        string path = Path.Combine(Path.GetTempPath(), $"portico-merge-{Guid.NewGuid():N}.dcm");
        try
        {
            await File.WriteAllBytesAsync(path, await client.GetByteArrayAsync($"/api/instances/{sopInstanceUid}/file", Ct), Ct);
            (int exitCode, string output) = await ExternalTool.RunAsync("dcmdump", ["+U8", path], Ct);
            Assert.True(exitCode == 0, "dcmdump failed: " + output);
            return output;
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static async Task<T> WithDbAsync<T>(PorticoFactory factory, Func<PorticoDbContext, Task<T>> query)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }
}
