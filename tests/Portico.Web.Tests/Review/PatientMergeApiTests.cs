using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Index.Access;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Web.Tests.Review;

/// <summary>
/// <c>GET /api/patients</c>, <c>POST /api/studies/{uid}/merge</c> and <c>GET /api/studies/{uid}/other-studies</c>: an
/// outside study merged with a hospital patient carries that patient's identity in every stored file.
/// </summary>
public abstract class PatientMergeApiTestsBase(PorticoFactory factory)
{
    private static readonly string[] ThreeFiles = ["CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Merge_RewritesEveryStoredFile_RepointsTheIndex_DeletesTheOldBlobs_AndIsAudited()
    {
        string token = Token();
        string priorUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Target{token}^Tina", $"H{token}", "19600102", "F"), "CT_small.dcm");
        string uploadedUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Outside{token}^Otto", $"PORTAL-{token}", "19600201", "M"), ThreeFiles);
        List<StoredInstance> before = await StoredStudies.InstancesAsync(factory, uploadedUid);
        Assert.Equal(3, before.Count);
        using HttpClient client = factory.Admin();
        Guid target = await FindPatientAsync(client, $"target{token}", $"H{token}");

        HttpResponseMessage response = await client.PostAsJsonAsync($"/api/studies/{uploadedUid}/merge", new { targetPatientId = target, reason = "Referral letter names Tina Target" }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        List<StoredInstance> after = await StoredStudies.InstancesAsync(factory, uploadedUid);
        Assert.Equal(before.Select(i => i.SopInstanceUid), after.Select(i => i.SopInstanceUid));
        foreach ((StoredInstance old, StoredInstance now) in before.Zip(after))
        {
            Assert.NotEqual(old.BlobKey, now.BlobKey);
            Assert.Equal(now.BlobKey, now.Sha256);
            Assert.True(StoredStudies.BlobExists(factory, now.BlobKey), "the index points at the new blob");
            Assert.False(StoredStudies.BlobExists(factory, old.BlobKey), "the old blob is deleted after the commit");

            DicomDataset stored = await StoredStudies.ReadAsync(client, now.SopInstanceUid);
            Assert.Equal($"Target{token}^Tina", stored.GetString(DicomTags.PatientName));
            Assert.Equal($"H{token}", stored.GetString(DicomTags.PatientID));
            Assert.Equal("19600102", stored.GetString(DicomTags.PatientBirthDate));
            Assert.Equal("F", stored.GetString(DicomTags.PatientSex));
            Assert.Equal(now.SizeBytes, (await client.GetByteArrayAsync($"/api/instances/{now.SopInstanceUid}/file", Ct)).LongLength);

            string dump = await StoredStudies.DcmdumpAsync(client, now.SopInstanceUid);
            Assert.Contains($"(0010,0010) PN [Target{token}^Tina]", dump, StringComparison.Ordinal);
            Assert.Contains($"(0010,0020) LO [H{token}]", dump, StringComparison.Ordinal);
            Assert.Contains("(0010,0030) DA [19600102]", dump, StringComparison.Ordinal);
            Assert.Contains("(0010,0040) CS [F]", dump, StringComparison.Ordinal);
            Assert.DoesNotContain($"Outside{token}", dump, StringComparison.Ordinal);
            Assert.DoesNotContain($"PORTAL-{token}", dump, StringComparison.Ordinal);
            Assert.Contains("(7fe0,0010)", dump, StringComparison.Ordinal);
        }

        // The pixel data came through untouched (JPEG 2000 fragments too).
        DicomDataset jpeg = await StoredStudies.ReadAsync(client, await SopOfAsync(uploadedUid, "1.2.840.10008.1.2.4.91"));
        Assert.Contains(jpeg, item => item.Tag == DicomTags.PixelData && item is DicomFragments);

        long size = await StoredStudies.WithDbAsync(factory, db => db.Studies.Where(s => s.StudyInstanceUid == uploadedUid).Select(s => s.SizeBytes).SingleAsync(Ct));
        Assert.Equal(after.Sum(i => i.SizeBytes), size);

        // The study is the target patient's now: on its record, in its studies, and shown as a prior of the other study.
        var records = await StoredStudies.WithDbAsync(factory, db => db.Studies.Where(s => s.StudyInstanceUid == uploadedUid || s.StudyInstanceUid == priorUid)
            .Select(s => s.PatientRecordId.Value).Distinct().ToListAsync(Ct));
        Assert.Equal([target], records);
        Assert.False(await StoredStudies.WithDbAsync(factory, db => db.Patients.AnyAsync(p => p.PatientId == $"PORTAL-{token}", Ct)), "the emptied record is removed");
        using (JsonDocument studies = JsonDocument.Parse(await client.GetStringAsync($"/api/patients/{target}/studies", Ct)))
        {
            Assert.Equal(
                new[] { priorUid, uploadedUid }.Order(StringComparer.Ordinal),
                studies.RootElement.EnumerateArray().Select(s => s.GetProperty("studyInstanceUid").GetString()!).Order(StringComparer.Ordinal));
        }

        using (JsonDocument others = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{priorUid}/other-studies", Ct)))
        {
            Assert.Equal([uploadedUid], others.RootElement.EnumerateArray().Select(s => s.GetProperty("studyInstanceUid").GetString()));
        }

        using (JsonDocument study = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{uploadedUid}", Ct)))
        {
            Assert.Equal($"H{token}", study.RootElement.GetProperty("patientId").GetString());
        }

        var audit = await StoredStudies.WithDbAsync(factory, db => db.AuditEntries.Where(a => a.Action == "Study.Merged" && a.Target == uploadedUid)
            .Select(a => new { a.Reason, a.Details, a.Actor }).SingleAsync(Ct));
        Assert.Equal("Referral letter names Tina Target", audit.Reason);
        Assert.Equal("bootstrap", audit.Actor);
        using JsonDocument details = JsonDocument.Parse(audit.Details!);
        Assert.Equal($"Outside{token}^Otto", details.RootElement.GetProperty("from").GetProperty("patientName").GetString());
        Assert.Equal($"PORTAL-{token}", details.RootElement.GetProperty("from").GetProperty("patientId").GetString());
        Assert.Equal($"Target{token}^Tina", details.RootElement.GetProperty("to").GetProperty("patientName").GetString());
        Assert.Equal(3, details.RootElement.GetProperty("storedFilesRewritten").GetInt32());
    }

    [Fact]
    public async Task Merge_WithoutReason_IsRefused_AndNothingChanges()
    {
        string token = Token();
        await StoredStudies.UploadAsync(factory, new TestPatient($"Target{token}^Tom", $"H{token}"), "CT_small.dcm");
        string uploadedUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Outside{token}^Olga", $"PORTAL-{token}"), "MR_small.dcm");
        List<StoredInstance> before = await StoredStudies.InstancesAsync(factory, uploadedUid);
        using HttpClient client = factory.Admin();
        Guid target = await FindPatientAsync(client, $"H{token}", $"H{token}");

        foreach (string? reason in new[] { null, "  " })
        {
            HttpResponseMessage response = await client.PostAsJsonAsync($"/api/studies/{uploadedUid}/merge", new { targetPatientId = target, reason }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("A reason is required", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(before, await StoredStudies.InstancesAsync(factory, uploadedUid));
        Assert.Equal($"Outside{token}^Olga", (await StoredStudies.ReadAsync(client, before[0].SopInstanceUid)).GetString(DicomTags.PatientName));
        Assert.False(await StoredStudies.WithDbAsync(factory, db => db.AuditEntries.AnyAsync(a => a.Action == "Study.Merged" && a.Target == uploadedUid, Ct)));
    }

    [Fact]
    public async Task Merge_WithoutThePermission_IsForbidden()
    {
        string token = Token();
        await StoredStudies.UploadAsync(factory, new TestPatient($"Target{token}^Tom", $"H{token}"), "CT_small.dcm");
        string uploadedUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Outside{token}^Olga", $"PORTAL-{token}"), "MR_small.dcm");
        List<StoredInstance> before = await StoredStudies.InstancesAsync(factory, uploadedUid);
        using HttpClient admin = factory.Admin();
        Guid target = await FindPatientAsync(admin, $"H{token}", $"H{token}");
        using HttpClient labeller = factory.ClientWithKey(await factory.CreateKeyAsync(Permissions.StudiesView, Permissions.StudiesLabel, Permissions.StudiesTransfer));

        HttpResponseMessage response = await labeller.PostAsJsonAsync($"/api/studies/{uploadedUid}/merge", new { targetPatientId = target, reason = "Same patient" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await StoredStudies.InstancesAsync(factory, uploadedUid));
        // Finding patients needs only Studies.View.
        Assert.Equal(HttpStatusCode.OK, (await labeller.GetAsync($"/api/patients?search=H{token}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Merge_RefusesAnUnknownTarget_TheStudysOwnPatient_AndAnUnknownStudy()
    {
        string token = Token();
        string uploadedUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Outside{token}^Olga", $"PORTAL-{token}"), "MR_small.dcm");
        using HttpClient client = factory.Admin();
        Guid own = await FindPatientAsync(client, $"PORTAL-{token}", $"PORTAL-{token}");

        HttpResponseMessage unknown = await client.PostAsJsonAsync($"/api/studies/{uploadedUid}/merge", new { targetPatientId = Guid.NewGuid(), reason = "x" }, Ct);
        HttpResponseMessage missing = await client.PostAsJsonAsync($"/api/studies/{uploadedUid}/merge", new { reason = "x" }, Ct);
        HttpResponseMessage self = await client.PostAsJsonAsync($"/api/studies/{uploadedUid}/merge", new { targetPatientId = own, reason = "x" }, Ct);
        HttpResponseMessage noStudy = await client.PostAsJsonAsync("/api/studies/1.2.3.4.404/merge", new { targetPatientId = own, reason = "x" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("No patient with this id", await unknown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("targetPatientId", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Contains("already belongs to this patient", await self.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, noStudy.StatusCode);
    }

    [Fact]
    public async Task SearchPatients_ByNameWords_BirthDate_OrIdStart_OneRowPerIdentity()
    {
        string token = Token();
        TestPatient patient = new($"Search{token}^Sofia^Maria", $"S{token}-77", "19750309", "F");
        await StoredStudies.UploadAsync(factory, patient, "CT_small.dcm");
        await StoredStudies.UploadAsync(factory, patient, "MR_small.dcm");
        await StoredStudies.UploadAsync(factory, new TestPatient($"Search{token}^Other", $"S{token}-88", "19800101", "M"), "CT_small.dcm");
        using HttpClient client = factory.Admin();

        JsonElement[] byName = await SearchAsync(client, $"sofia search{token}");
        JsonElement row = Assert.Single(byName);
        Assert.Equal($"S{token}-77", row.GetProperty("patientId").GetString());
        Assert.Equal(2, row.GetProperty("studies").GetInt32());
        Assert.Equal("1975-03-09", row.GetProperty("birthDate").GetString());
        Assert.Equal("F", row.GetProperty("sex").GetString());

        Assert.Equal(2, (await SearchAsync(client, $"search{token}")).Length);
        Assert.Equal($"S{token}-77", Assert.Single(await SearchAsync(client, $"search{token} 1975-03-09")).GetProperty("patientId").GetString());
        Assert.Equal($"S{token}-88", Assert.Single(await SearchAsync(client, $"s{token.ToLowerInvariant()}-8")).GetProperty("patientId").GetString());
        Assert.Empty(await SearchAsync(client, $"search{token} 1999-01-01"));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/patients?pageSize=1000", Ct)).StatusCode);
    }

    [Fact]
    public async Task MarkReviewed_ReplacesUploadedByUploadedReviewed_InOneAuditedChange()
    {
        string token = Token();
        string studyUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Review{token}^Rita", $"R{token}"), "CT_small.dcm");
        using HttpClient client = factory.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/api/studies/{studyUid}/labels/Uploaded", null, Ct)).StatusCode);
        using HttpClient viewer = factory.ClientWithKey(await factory.CreateKeyAsync(Permissions.StudiesView, Permissions.StudiesChangePatientIdentity));

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/studies/{studyUid}/reviewed", null, Ct)).StatusCode);
        HttpResponseMessage response = await client.PostAsync($"/api/studies/{studyUid}/reviewed", null, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using (JsonDocument study = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{studyUid}", Ct)))
        {
            Assert.Equal(["Uploaded-Reviewed"], study.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        }

        string details = await StoredStudies.WithDbAsync(factory, db => db.AuditEntries.Where(a => a.Action == "Study.Reviewed" && a.Target == studyUid).Select(a => a.Details!).SingleAsync(Ct));
        Assert.Contains("Uploaded-Reviewed", details, StringComparison.Ordinal);
        using (JsonDocument reviewed = JsonDocument.Parse(await client.GetStringAsync("/api/studies?label=Uploaded-Reviewed&pageSize=200", Ct)))
        {
            Assert.Contains(reviewed.RootElement.GetProperty("items").EnumerateArray(), s => s.GetProperty("studyInstanceUid").GetString() == studyUid);
        }

        // Once reviewed (no Uploaded label) there is nothing left to mark.
        HttpResponseMessage again = await client.PostAsync($"/api/studies/{studyUid}/reviewed", null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("not labelled Uploaded", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private async Task<string> SopOfAsync(string studyUid, string transferSyntax) =>
        await StoredStudies.WithDbAsync(factory, db => db.Instances.Where(i => i.Series.Study.StudyInstanceUid == studyUid && i.TransferSyntaxUid == transferSyntax)
            .Select(i => i.SopInstanceUid).SingleAsync(Ct));

    private static async Task<JsonElement[]> SearchAsync(HttpClient client, string search)
    {
        using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync($"/api/patients?search={Uri.EscapeDataString(search)}", Ct));
        return [.. page.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone())];
    }

    private static async Task<Guid> FindPatientAsync(HttpClient client, string search, string patientId) =>
        (await SearchAsync(client, search)).Single(p => p.GetProperty("patientId").GetString() == patientId).GetProperty("id").GetGuid();

    private static string Token() => "M" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
}

/// <summary>The merge tests on the embedded SQLite index.</summary>
public sealed class PatientMergeApiTests(PorticoFactory factory) : PatientMergeApiTestsBase(factory), IClassFixture<PorticoFactory>;

/// <summary>The same on PostgreSQL (the production index): the patient search's grouping and the merge's transaction.</summary>
public sealed class PatientMergeApiPostgresTests(PostgresPorticoFactory factory) : PatientMergeApiTestsBase(factory), IClassFixture<PostgresPorticoFactory>;
