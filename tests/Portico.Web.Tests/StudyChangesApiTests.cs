using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Access;
using Portico.Storage;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Web.Tests;

/// <summary><c>PUT /api/studies/{uid}/patient</c>, <c>DELETE /api/studies/{uid}</c> and the search box (<c>q</c>).</summary>
public sealed class StudyChangesApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object NewIdentity(string? reason = "Wrong worklist entry") => new
    {
        familyName = "Fixed",
        givenName = "Anna",
        middleName = "",
        prefix = "",
        suffix = "",
        patientId = "NEW-ID-1",
        birthDate = "1971-02-03",
        sex = "F",
        reason,
    };

    [Fact]
    public async Task ChangePatient_MovesTheStudyToTheNewIdentity_AndAuditsOldNewAndReason()
    {
        string studyUid = await UploadAsync("CT_small.dcm", "Before^Bob", "OLD-ID-1");
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.PutAsJsonAsync($"/api/studies/{studyUid}/patient", NewIdentity(), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using JsonDocument study = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{studyUid}", Ct));
        Assert.Equal("Fixed^Anna", study.RootElement.GetProperty("patientName").GetString());
        Assert.Equal("NEW-ID-1", study.RootElement.GetProperty("patientId").GetString());
        Assert.Equal("1971-02-03", study.RootElement.GetProperty("patientBirthDate").GetString());
        Assert.Equal("F", study.RootElement.GetProperty("patientSex").GetString());
        using JsonDocument found = JsonDocument.Parse(await client.GetStringAsync("/api/studies?patientId=NEW-ID-1&pageSize=200", Ct));
        Assert.Contains(found.RootElement.GetProperty("items").EnumerateArray(), s => s.GetProperty("studyInstanceUid").GetString() == studyUid);

        var audit = await WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "Study.PatientIdentityChanged" && a.Target == studyUid)
            .Select(a => new { a.Reason, a.Details }).SingleAsync(Ct));
        Assert.Equal("Wrong worklist entry", audit.Reason);
        Assert.Contains("Before^Bob", audit.Details, StringComparison.Ordinal);
        Assert.Contains("OLD-ID-1", audit.Details, StringComparison.Ordinal);
        Assert.Contains("Fixed^Anna", audit.Details, StringComparison.Ordinal);

        // The stored file carries the new identity too (Portico's reader and DCMTK agree), in a new blob.
        var instance = await WithDbAsync(db => db.Instances.Where(i => i.Series.Study.StudyInstanceUid == studyUid).Select(i => new { i.SopInstanceUid, i.BlobKey }).SingleAsync(Ct));
        Portico.Dicom.Data.DicomDataset stored = await Review.StoredStudies.ReadAsync(client, instance.SopInstanceUid);
        Assert.Equal("Fixed^Anna", stored.GetString(Portico.Dicom.Dictionary.DicomTags.PatientName));
        Assert.Equal("NEW-ID-1", stored.GetString(Portico.Dicom.Dictionary.DicomTags.PatientID));
        Assert.Equal("19710203", stored.GetString(Portico.Dicom.Dictionary.DicomTags.PatientBirthDate));
        Assert.Equal("F", stored.GetString(Portico.Dicom.Dictionary.DicomTags.PatientSex));
        string dump = await Review.StoredStudies.DcmdumpAsync(client, instance.SopInstanceUid);
        Assert.Contains("(0010,0010) PN [Fixed^Anna]", dump, StringComparison.Ordinal);
        Assert.Contains("(0010,0020) LO [NEW-ID-1]", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("Before^Bob", dump, StringComparison.Ordinal);
        Assert.True(Review.StoredStudies.BlobExists(factory, instance.BlobKey));
        Assert.Equal(1, await WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "Study.PatientIdentityChanged" && a.Target == studyUid)
            .CountAsync(a => a.Details!.Contains("\"storedFilesRewritten\":1"), Ct)));
    }

    [Fact]
    public async Task ChangePatient_ToAnExistingPatient_SharesItsRecord()
    {
        string first = await UploadAsync("CT_small.dcm", "Fixed^Anna", "NEW-ID-2");
        string second = await UploadAsync("MR_small.dcm", "Other^Olga", "OTHER-2");
        using HttpClient client = factory.Admin();
        object identity = new { familyName = "Fixed", givenName = "Anna", patientId = "NEW-ID-2", birthDate = (string?)null, sex = "O", reason = "Same patient" };
        // Make the first study's record carry exactly this identity, then move the second onto it.
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsJsonAsync($"/api/studies/{first}/patient", identity, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsJsonAsync($"/api/studies/{second}/patient", identity, Ct)).StatusCode);

        var records = await WithDbAsync(db => db.Studies.Where(s => s.StudyInstanceUid == first || s.StudyInstanceUid == second)
            .Select(s => s.PatientRecordId).Distinct().ToListAsync(Ct));
        Assert.Single(records);
        Assert.False(await WithDbAsync(db => db.Patients.AnyAsync(p => p.PatientId == "OTHER-2", Ct)));
    }

    [Fact]
    public async Task ChangePatient_WithoutReason_IsValidationProblem()
    {
        string studyUid = await UploadAsync("CT_small.dcm", "Before^Bob", "OLD-ID-3");
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.PutAsJsonAsync($"/api/studies/{studyUid}/patient", NewIdentity(reason: " "), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reason", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(await WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "Study.PatientIdentityChanged" && a.Target == studyUid, Ct)));
    }

    [Fact]
    public async Task ChangePatient_WithoutThePermission_IsRefused()
    {
        string studyUid = await UploadAsync("CT_small.dcm", "Before^Bob", "OLD-ID-4");
        using HttpClient viewer = factory.ClientWithKey(await factory.CreateKeyAsync(Permissions.StudiesView, Permissions.StudiesLabel));

        HttpResponseMessage response = await viewer.PutAsJsonAsync($"/api/studies/{studyUid}/patient", NewIdentity(), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("OLD-ID-4", await WithDbAsync(db => db.Studies.Where(s => s.StudyInstanceUid == studyUid).Select(s => s.Patient.PatientId).SingleAsync(Ct)));
    }

    [Fact]
    public async Task ChangePatient_UnknownStudy_Is404()
    {
        using HttpClient client = factory.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync("/api/studies/1.2.3.4.5.404/patient", NewIdentity(), Ct)).StatusCode);
    }

    [Fact]
    public async Task Delete_RemovesRowsAndBlobs_AndIsAudited()
    {
        string studyUid = await UploadAsync("CT_small.dcm", "Gone^Gina", "DEL-1");
        string blobKey = await WithDbAsync(db => db.Instances.Where(i => i.Series.Study.StudyInstanceUid == studyUid).Select(i => i.BlobKey).SingleAsync(Ct));
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.DeleteAsync($"/api/studies/{studyUid}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/studies/{studyUid}", Ct)).StatusCode);
        Assert.False(await WithDbAsync(db => db.Instances.AnyAsync(i => i.BlobKey == blobKey, Ct)));
        Assert.False(await WithDbAsync(db => db.Patients.AnyAsync(p => p.PatientId == "DEL-1", Ct)));
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            Assert.False(scope.ServiceProvider.GetRequiredService<IBlobStore>().Exists(BlobKey.Parse(blobKey)));
        }

        string details = await WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "Study.Deleted" && a.Target == studyUid).Select(a => a.Details!).SingleAsync(Ct));
        Assert.Contains("Gone^Gina", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_WithoutAdministratorPermission_IsRefused()
    {
        string studyUid = await UploadAsync("CT_small.dcm", "Kept^Karl", "DEL-2");
        string key = await factory.CreateKeyAsync(Permissions.StudiesView, Permissions.StudiesLabel, Permissions.StudiesChangePatientIdentity, Permissions.StudiesTransfer);
        using HttpClient physician = factory.ClientWithKey(key);

        HttpResponseMessage response = await physician.DeleteAsync($"/api/studies/{studyUid}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(await WithDbAsync(db => db.Studies.AnyAsync(s => s.StudyInstanceUid == studyUid, Ct)));
        Assert.False(await WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "Study.Deleted" && a.Target == studyUid, Ct)));
    }

    [Fact]
    public async Task Delete_UnknownStudy_Is404()
    {
        using HttpClient client = factory.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/studies/1.2.3.4.5.404", Ct)).StatusCode);
    }

    [Fact]
    public async Task Search_Q_FindsByWordsOfTheNameOrTheStartOfTheIds()
    {
        string token = "Q" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        string studyUid = await UploadAsync("CT_small.dcm", $"Searchable{token}^Sara", $"{token}-PID");
        using HttpClient client = factory.Admin();

        foreach (string q in new[] { $"searchable{token.ToLowerInvariant()}", $"{token} sara", token.ToLowerInvariant() + "-p" })
        {
            using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync($"/api/studies?q={Uri.EscapeDataString(q)}", Ct));
            Assert.Equal([studyUid], page.RootElement.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("studyInstanceUid").GetString()));
        }

        using JsonDocument none = JsonDocument.Parse(await client.GetStringAsync($"/api/studies?q=sara{token}", Ct));
        Assert.Equal(0, none.RootElement.GetProperty("total").GetInt32());
    }

    private async Task<T> WithDbAsync<T>(Func<PorticoDbContext, Task<T>> query)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }

    private async Task<string> UploadAsync(string name, string patientName, string patientId)
    {
        byte[] bytes = DicomSamples.WithNewUids(name, out string studyUid, out _, change: ds =>
        {
            ds.AddOrUpdate(Portico.Dicom.Dictionary.DicomTags.PatientName, Portico.Dicom.Values.DicomVR.PN, patientName);
            ds.AddOrUpdate(Portico.Dicom.Dictionary.DicomTags.PatientID, Portico.Dicom.Values.DicomVR.LO, patientId);
        });
        using HttpResponseMessage response = await factory.PostDicomAsync(bytes);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return studyUid;
    }
}
