using System.Collections.ObjectModel;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Dictionary;
using Portico.Ingest.Pipeline;
using Portico.Storage;
using Xunit;

namespace Portico.Web.Tests.Review;

/// <summary>
/// What start-up recovery does with the blobs an identity rewrite leaves when the process dies before or after its
/// index commit: they are set aside (quarantined), never indexed as a second copy of the instance.
/// </summary>
public sealed class RewriteCrashTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACrashBeforeTheCommit_LeavesTheOldRowsAndBlobs_AndRecoverySetsTheNewBlobAside()
    {
        string studyUid = await StoredStudies.UploadAsync(factory, new TestPatient("Before^Crash", "CRASH-1"), "CT_small.dcm");
        StoredInstance instance = Assert.Single(await StoredStudies.InstancesAsync(factory, studyUid));

        // The rewrite's first step, then the "crash": the new blob is durable, the index was never changed.
        BlobInfo orphan = await factory.Services.GetRequiredService<IngestPipeline>().RewriteStoredAsync(
            BlobKey.Parse(instance.BlobKey), new ReadOnlyDictionary<DicomTag, string>(new Dictionary<DicomTag, string> { [DicomTags.PatientName] = "After^Crash" }), Ct);
        Assert.True(StoredStudies.BlobExists(factory, orphan.Key.Sha256Hex));

        (int indexed, int setAside) = await factory.Services.GetRequiredService<IndexRecovery>().RecoverAsync(Ct);

        Assert.Equal(0, indexed);
        Assert.Equal(1, setAside);
        Assert.False(StoredStudies.BlobExists(factory, orphan.Key.Sha256Hex), "moved to the quarantine");
        Assert.True(File.Exists(Path.Combine(factory.Services.GetRequiredService<FileBlobStore>().QuarantineDirectory, orphan.Key.Sha256Hex)));
        Assert.Equal([instance], await StoredStudies.InstancesAsync(factory, studyUid));
        Assert.True(StoredStudies.BlobExists(factory, instance.BlobKey));
        using HttpClient client = factory.Admin();
        Assert.Equal("Before^Crash", (await StoredStudies.ReadAsync(client, instance.SopInstanceUid)).GetString(DicomTags.PatientName));
        Assert.Equal(1, await StoredStudies.WithDbAsync(factory, db => db.Instances.CountAsync(i => i.SopInstanceUid == instance.SopInstanceUid, Ct)));

        // A rewrite after that works as usual.
        HttpResponseMessage changed = await client.PutAsJsonAsync($"/api/studies/{studyUid}/patient", new { familyName = "After", givenName = "Crash", patientId = "CRASH-1", sex = "O", reason = "Retry after a crash" }, Ct);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal("After^Crash", (await StoredStudies.ReadAsync(client, instance.SopInstanceUid)).GetString(DicomTags.PatientName));
    }
}
