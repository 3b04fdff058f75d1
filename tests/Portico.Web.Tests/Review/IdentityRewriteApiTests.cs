using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Xunit;

namespace Portico.Web.Tests.Review;

/// <summary>
/// <c>PUT /api/studies/{uid}/patient</c> rewrites the stored files: every instance, only the attributes that change, in
/// the files' own character set (or UTF-8 when they declare none), and refuses what the files cannot hold.
/// </summary>
public sealed class IdentityRewriteApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangePatient_RewritesEveryInstance_AndDeletesTheOldBlobs()
    {
        string token = "I" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        string studyUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Wrong{token}^Walter", $"W{token}", "19500505", "M"), "CT_small.dcm", "MR_small.dcm");
        List<StoredInstance> before = await StoredStudies.InstancesAsync(factory, studyUid);
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.PutAsJsonAsync($"/api/studies/{studyUid}/patient", Identity($"Right{token}", "Ruth", $"W{token}", "1950-05-05", "F"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        List<StoredInstance> after = await StoredStudies.InstancesAsync(factory, studyUid);
        foreach ((StoredInstance old, StoredInstance now) in before.Zip(after))
        {
            Assert.NotEqual(old.BlobKey, now.BlobKey);
            Assert.False(StoredStudies.BlobExists(factory, old.BlobKey));
            DicomDataset stored = await StoredStudies.ReadAsync(client, now.SopInstanceUid);
            Assert.Equal($"Right{token}^Ruth", stored.GetString(DicomTags.PatientName));
            Assert.Equal("F", stored.GetString(DicomTags.PatientSex));
            Assert.Equal($"W{token}", stored.GetString(DicomTags.PatientID));
            Assert.Equal("19500505", stored.GetString(DicomTags.PatientBirthDate));
        }
    }

    [Fact]
    public async Task ChangePatient_ToANameWithUmlauts_InAFileWithoutCharacterSet_WritesUtf8()
    {
        string token = "U" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        // MR_small declares no Specific Character Set (ASCII); CT_small declares ISO_IR 100 (Latin-1), which has ü.
        string studyUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Muller{token}^Jorg", $"U{token}"), "MR_small.dcm", "CT_small.dcm");
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.PutAsJsonAsync($"/api/studies/{studyUid}/patient", Identity($"Müller{token}", "Jörg", $"U{token}", null, ""), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        foreach (StoredInstance instance in await StoredStudies.InstancesAsync(factory, studyUid))
        {
            DicomDataset stored = await StoredStudies.ReadAsync(client, instance.SopInstanceUid);
            Assert.Equal($"Müller{token}^Jörg", stored.GetString(DicomTags.PatientName));
            // dcmdump +U8 decodes with the file's declared character set and prints UTF-8.
            string dump = await StoredStudies.DcmdumpAsync(client, instance.SopInstanceUid);
            Assert.Contains($"(0010,0010) PN [Müller{token}^Jörg]", dump, StringComparison.Ordinal);
        }

        Assert.Equal(["ISO_IR 100", "ISO_IR 192"], (await Task.WhenAll((await StoredStudies.InstancesAsync(factory, studyUid))
            .Select(async i => (await StoredStudies.ReadAsync(client, i.SopInstanceUid)).GetString(DicomTags.SpecificCharacterSet)!))).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ChangePatient_ToANameTheFilesCharacterSetCannotHold_IsRefused_AndNothingChanges()
    {
        string token = "C" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        string studyUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Ivanov{token}^Ivan", $"C{token}"), "CT_small.dcm");
        List<StoredInstance> before = await StoredStudies.InstancesAsync(factory, studyUid);
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.PutAsJsonAsync($"/api/studies/{studyUid}/patient", Identity($"Иванов{token}", "Иван", $"C{token}", null, ""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("character set (ISO_IR 100)", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(before, await StoredStudies.InstancesAsync(factory, studyUid));
        Assert.True(StoredStudies.BlobExists(factory, before[0].BlobKey));
        Assert.Equal($"Ivanov{token}^Ivan", await StoredStudies.WithDbAsync(factory, db => db.Studies.Where(s => s.StudyInstanceUid == studyUid).Select(s => s.Patient.PatientName).SingleAsync(Ct)));
        Assert.False(await StoredStudies.WithDbAsync(factory, db => db.AuditEntries.AnyAsync(a => a.Target == studyUid && a.Action == "Study.PatientIdentityChanged", Ct)));
    }

    private static object Identity(string family, string given, string patientId, string? birthDate, string sex) =>
        new { familyName = family, givenName = given, patientId, birthDate, sex, reason = "Corrected from the referral" };
}
