using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;
using Portico.Index.Studies;
using Portico.Index.UploadPortal;
using Portico.Ingest.Pipeline;
using Portico.Tests.Shared;
using Portico.Web.Features.DicomNetwork;
using Portico.Web.Features.UploadPortal;
using Xunit;
using static Portico.Web.Tests.DicomNetwork.ExternalTool;
using static Portico.Web.Tests.UploadPortal.PortalHarness;

namespace Portico.Web.Tests.UploadPortal;

/// <summary>
/// Finishing a portal session: scanning, new identifiers in the stored files, label and status, attachments. On SQLite
/// and on PostgreSQL (the intake policy's mapping and its per-session lock meet each database's own concurrency).
/// </summary>
public abstract class PortalIngestTestsBase(bool postgres) : IAsyncLifetime
{
    private readonly PortalHarness _portal = new(postgres: postgres);

    public async ValueTask InitializeAsync() => await _portal.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Two files of one study and patient (CT_small: Patient ID 1CT1), one of another study of the same patient.</summary>
    private static (byte[] A, byte[] B, byte[] C, string StudyUid, string OtherStudyUid, string[] Sops) Files()
    {
        byte[] a = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out string sopA, change: ds => { WithAccession("ACC-OUT-1")(ds); WithSenderIds(ds); });
        byte[] b = DicomSamples.WithNewUids("CT_small.dcm", out _, out string sopB, change: ds => { ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid); WithAccession("ACC-OUT-1")(ds); });
        byte[] c = DicomSamples.WithNewUids("CT_small.dcm", out string otherStudyUid, out string sopC, change: WithAccession("ACC-OUT-2"));
        return (a, b, c, studyUid, otherStudyUid, [sopA, sopB, sopC]);
    }

    private static Action<DicomDataset> WithAccession(string accession) => ds => ds.AddOrUpdate(DicomTags.AccessionNumber, DicomVR.SH, accession);

    /// <summary>The sender's other identifiers for the patient, which the stored file must not keep.</summary>
    private static void WithSenderIds(DicomDataset ds)
    {
        ds.AddOrUpdate(DicomTags.OtherPatientIDs, DicomVR.LO, @"OUT-77\OUT-78");
        var other = new DicomDataset();
        other.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, "OUT-79");
        other.AddOrUpdate(DicomTags.IssuerOfPatientID, DicomVR.LO, "SENDER-HOSPITAL");
        ds.Add(new DicomSequence(DicomTags.OtherPatientIDsSequence, other));
    }

    [Fact]
    public async Task Finished_files_are_stored_with_new_identifiers_labelled_Uploaded_and_Finalized_and_the_originals_cannot_be_found()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        (byte[] a, byte[] b, byte[] c, string studyUid, string otherStudyUid, string[] sops) = Files();
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 2, 1, "Please compare"), Study(otherStudyUid, 1)], email: "patient@example.com", phone: "+41 79 123 45 67"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, a, "CD/IMG001")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, b, "CD/IMG002")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, c, "CD/IMG003")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadAttachmentAsync(browser, PortalSessionApiTests.Pdf, "referral.pdf", studyUid)).StatusCode);
        Assert.Equal(0, await _portal.WithDbAsync(db => db.Instances.CountAsync(Ct))); // quarantined until finish

        await FinishAsync(browser);
        JsonElement status = await WaitForStateAsync(browser, "Completed");

        Assert.Equal("Upload successful", status.GetProperty("message").GetString());
        Assert.Equal(4, status.GetProperty("stored").GetInt32());
        Assert.Equal(0, status.GetProperty("refused").GetInt32());
        Assert.All(status.GetProperty("files").EnumerateArray(), f => Assert.Equal("Stored", f.GetProperty("status").GetString()));
        Assert.Equal(4, _portal.Scanning.Scans);

        using HttpClient admin = _portal.Admin();
        var stored = new List<DicomDataset>();
        string directory = Directory.CreateTempSubdirectory("portico-portal-").FullName;
        foreach (string sop in sops)
        {
            byte[] bytes = await admin.GetByteArrayAsync($"/api/instances/{sop}/file", Ct);
            string path = Path.Combine(directory, sop + ".dcm");
            await File.WriteAllBytesAsync(path, bytes, Ct);
            DicomDataset ds = (await DicomFile.OpenAsync(path, cancellationToken: Ct)).Dataset;
            stored.Add(ds);
            (int exit, string dump) = await RunAsync("dcmdump", ["-q", "+P", "0010,0020", "+P", "0008,0050", "+P", "0010,0021", path], Ct);
            Assert.True(exit == 0, dump);
            Assert.Contains($"[{ds.GetString(DicomTags.PatientID)}]", dump, StringComparison.Ordinal);
            Assert.Contains($"[{ds.GetString(DicomTags.AccessionNumber)}]", dump, StringComparison.Ordinal);
            Assert.Contains("[PORTICO-UPLOAD]", dump, StringComparison.Ordinal);
            Assert.DoesNotContain("1CT1", dump, StringComparison.Ordinal);
            Assert.DoesNotContain("ACC-OUT", dump, StringComparison.Ordinal);
            (exit, dump) = await RunAsync("dcmdump", ["-q", path], Ct);
            Assert.True(exit == 0, dump);
            Assert.DoesNotContain("(0010,1000)", dump, StringComparison.Ordinal);
            Assert.DoesNotContain("(0010,1002)", dump, StringComparison.Ordinal);
            Assert.DoesNotContain("OUT-7", dump, StringComparison.Ordinal);
        }

        string newPatientId = stored[0].GetString(DicomTags.PatientID)!;
        Assert.Matches("^UP-[ACDEFGHJKMNPQRTWXY34679]{10}$", newPatientId);
        Assert.All(stored, ds => Assert.Equal(newPatientId, ds.GetString(DicomTags.PatientID)));
        Assert.All(stored, ds => Assert.Equal("PORTICO-UPLOAD", ds.GetString(DicomTags.IssuerOfPatientID)));
        Assert.Equal(stored[0].GetString(DicomTags.AccessionNumber), stored[1].GetString(DicomTags.AccessionNumber));
        Assert.NotEqual(stored[0].GetString(DicomTags.AccessionNumber), stored[2].GetString(DicomTags.AccessionNumber));

        foreach (string query in new[] { "q=1CT1", "patientId=1CT1", "accession=ACC-OUT-1", "q=ACC-OUT" })
        {
            JsonElement found = await admin.GetFromJsonAsync<JsonElement>("/api/studies?" + query, Ct);
            Assert.True(found.GetProperty("total").GetInt32() == 0, query);
        }

        JsonElement byNewId = await admin.GetFromJsonAsync<JsonElement>("/api/studies?patientId=" + newPatientId, Ct);
        Assert.Equal(2, byNewId.GetProperty("total").GetInt32());
        JsonElement study = await admin.GetFromJsonAsync<JsonElement>($"/api/studies/{studyUid}", Ct);
        Assert.Contains(DefaultLabels.Uploaded, study.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("Finalized", study.GetProperty("workflowStatus").GetString());
        Assert.Equal("UploadCode", study.GetProperty("sources")[0].GetProperty("kind").GetString());
        Assert.Equal("code …" + (await _portal.WithDbAsync(db => db.PortalSessions.Select(s => s.CodeHint).SingleAsync(Ct))), study.GetProperty("sources")[0].GetProperty("name").GetString());

        // The attachment, shown in the browser.
        JsonElement[] attachments = [.. (await admin.GetFromJsonAsync<JsonElement>($"/api/studies/{studyUid}/attachments", Ct)).EnumerateArray()];
        JsonElement attachment = Assert.Single(attachments);
        Assert.Equal("referral.pdf", attachment.GetProperty("fileName").GetString());
        HttpResponseMessage pdf = await admin.GetAsync(attachment.GetProperty("url").GetString(), Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("inline", pdf.Content.Headers.ContentDisposition?.ToString() ?? pdf.Headers.GetValues("Content-Disposition").Single(), StringComparison.Ordinal);
        Assert.Equal(PortalSessionApiTests.Pdf, await pdf.Content.ReadAsByteArrayAsync(Ct));

        // The upload record: original identifiers only for those allowed to see them.
        UploadRecords.UploadRecord record = (await _portal.WithDbAsync(db => UploadRecords.FindAsync(db, studyUid, showOriginalIds: true, Ct)))!;
        Assert.True(record.ByUploadCode);
        Assert.Equal(("patient@example.com", "+41 79 123 45 67", "Please compare"), (record.Email, record.Phone, record.Comment));
        Assert.Equal((2, 1), (record.DicomFiles, record.NonDicomFiles));
        Assert.Equal(("1CT1", "ACC-OUT-1"), (record.OriginalPatientId, record.OriginalAccessionNumber));
        UploadRecords.UploadRecord hidden = (await _portal.WithDbAsync(db => UploadRecords.FindAsync(db, studyUid, showOriginalIds: false, Ct)))!;
        Assert.Null(hidden.OriginalPatientId);
        Assert.Null(hidden.OriginalAccessionNumber);
        Assert.Equal(1, await _portal.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadPortal.Finished", Ct)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_portal.DataDirectory, "uploads"), "*.bin"));

        // C-FIND on the original Patient ID finds nothing; on the new one, the two studies.
        string ae = ("PORTALQ" + Guid.NewGuid().ToString("N")).ToUpperInvariant()[..16];
        HttpResponseMessage identity = await admin.PostAsJsonAsync("/api/dicom-identities", new { name = "Test " + ae, aeTitle = ae, enabled = true, allowedOperations = new[] { "C-FIND" } }, Ct);
        Assert.True(identity.IsSuccessStatusCode, await identity.Content.ReadAsStringAsync(Ct));
        int port = _portal.Factory.Services.GetRequiredService<DicomListener>().Port!.Value;
        (int findExit, string original) = await RunAsync("findscu", ["-S", "-aet", ae, "-aec", "PORTICO", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientID=1CT1", "-k", "StudyInstanceUID", "127.0.0.1", Text(port)], Ct);
        Assert.True(findExit == 0, original);
        Assert.DoesNotContain("(0020,000d) UI [", original, StringComparison.Ordinal);
        (int newExit, string renamed) = await RunAsync("findscu", ["-S", "-aet", ae, "-aec", "PORTICO", "-k", "QueryRetrieveLevel=STUDY", "-k", "PatientID=" + newPatientId, "-k", "StudyInstanceUID", "127.0.0.1", Text(port)], Ct);
        Assert.True(newExit == 0, renamed);
        Assert.Contains(studyUid, renamed, StringComparison.Ordinal);
        Assert.Contains(otherStudyUid, renamed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_the_scanner_is_down_nothing_is_ingested_and_the_session_waits_then_completes()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        (byte[] a, _, byte[] c, string studyUid, string otherStudyUid, _) = Files();
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 1), Study(otherStudyUid, 1)]))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, a, "a.dcm")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, c, "infected.dcm")).StatusCode);
        _portal.Scanning.Down = true;
        _portal.Scanning.Infected.Add("infected.dcm");

        await FinishAsync(browser);
        JsonElement waiting = await WaitForStateAsync(browser, "WaitingForScanner");
        Assert.Contains("malware", waiting.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.All(waiting.GetProperty("files").EnumerateArray(), f => Assert.Equal("Pending", f.GetProperty("status").GetString()));
        await Task.Delay(600, Ct); // several retries
        Assert.Equal(0, await _portal.WithDbAsync(db => db.Instances.CountAsync(Ct)));

        _portal.Scanning.Down = false;
        JsonElement done = await WaitForStateAsync(browser, "Completed");

        Assert.Equal((1, 1), (done.GetProperty("stored").GetInt32(), done.GetProperty("refused").GetInt32()));
        JsonElement infected = done.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "infected.dcm");
        Assert.Equal("Infected", infected.GetProperty("status").GetString());
        Assert.DoesNotContain("Eicar", done.ToString(), StringComparison.Ordinal);
        Assert.Equal("1 file was refused; the other files were sent to the hospital.", done.GetProperty("message").GetString());
        Assert.Equal(0, await _portal.WithDbAsync(db => db.Studies.CountAsync(s => s.StudyInstanceUid == otherStudyUid, Ct)));
        Assert.Equal(1, await _portal.WithDbAsync(db => db.Studies.CountAsync(s => s.StudyInstanceUid == studyUid, Ct)));
    }

    [Fact]
    public async Task Instances_of_studies_beyond_the_cap_are_refused_at_finish_with_the_message()
    {
        using HttpClient browser = await _portal.OpenSessionAsync(maxStudies: 1);
        (byte[] a, _, byte[] c, string studyUid, string otherStudyUid, _) = Files();
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 2)]))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, a, "a.dcm")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, c, "c.dcm")).StatusCode); // another study, not announced

        await FinishAsync(browser);
        JsonElement done = await WaitForStateAsync(browser, "Completed");

        JsonElement refused = done.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "c.dcm");
        Assert.Equal("Refused", refused.GetProperty("status").GetString());
        Assert.Equal("A maximum of 1 studies can be uploaded at once", refused.GetProperty("reason").GetString());
        Assert.Equal(0, await _portal.WithDbAsync(db => db.Studies.CountAsync(s => s.StudyInstanceUid == otherStudyUid, Ct)));
    }

    /// <summary>
    /// A device's Patient ID and Accession Number longer than a Long String (64): the session keeps them cut to its
    /// columns. On PostgreSQL the longer values were refused by varchar(64) and the session failed at finish.
    /// </summary>
    [Fact]
    public async Task A_patient_id_and_accession_longer_than_64_characters_are_kept_cut_short_and_the_file_is_stored()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        string longId = new('P', 80);
        string longAccession = new('A', 70);
        byte[] file = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out _, change: ds =>
        {
            ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, longId);
            ds.AddOrUpdate(DicomTags.AccessionNumber, DicomVR.SH, longAccession);
        });
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 1)]))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, file, "long.dcm")).StatusCode);

        await FinishAsync(browser);
        JsonElement done = await WaitForStateAsync(browser, "Completed");

        Assert.Equal("Stored", done.GetProperty("files")[0].GetProperty("status").GetString());
        (string? patientId, string? accession) = await _portal.WithDbAsync(db => db.PortalStudies.Where(s => s.StudyInstanceUid == studyUid)
            .Select(s => new ValueTuple<string?, string?>(s.OriginalPatientId, s.OriginalAccessionNumber)).SingleAsync(Ct));
        Assert.Equal(longId[..64], patientId);
        Assert.Equal(longAccession[..64], accession);
        Assert.Equal(longId[..64], await _portal.WithDbAsync(db => db.PortalPatients.Select(p => p.OriginalPatientId).SingleAsync(Ct)));
    }

    [Fact]
    public async Task An_attempt_the_browser_abandoned_and_made_again_is_not_reported_as_refused()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        (byte[] a, byte[] b, _, string studyUid, _, _) = Files();
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 2)]))).StatusCode);
        using (HttpRequestMessage cut = Tus(HttpMethod.Post, "/api/portal/uploads"))
        {
            // A pause cut this creation: no bytes arrived, and the browser created the upload again.
            cut.Headers.Add("Upload-Length", b.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            cut.Headers.Add("Upload-Metadata", Metadata(("filename", "IM2"), ("kind", "dicom")));
            Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(cut, Ct)).StatusCode);
        }

        using (HttpRequestMessage half = Tus(HttpMethod.Post, "/api/portal/uploads"))
        {
            // Another file that never arrived whole is still reported.
            half.Headers.Add("Upload-Length", "4096");
            half.Headers.Add("Upload-Metadata", Metadata(("filename", "IM3"), ("kind", "dicom")));
            Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(half, Ct)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, a, "IM1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, b, "IM2")).StatusCode);

        await FinishAsync(browser);
        JsonElement done = await WaitForStateAsync(browser, "Completed");

        JsonElement refused = Assert.Single(done.GetProperty("files").EnumerateArray(), f => f.GetProperty("status").GetString() == "Refused");
        Assert.Equal("IM3", refused.GetProperty("file").GetString());
        Assert.Equal("The upload of this file did not finish.", refused.GetProperty("reason").GetString());
        Assert.Equal(2, done.GetProperty("stored").GetInt32());
        Assert.Equal(1, done.GetProperty("refused").GetInt32());
    }

    [Fact]
    public async Task A_zip_is_opened_on_the_server_and_its_files_get_the_session_identifiers()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        (byte[] a, byte[] b, _, string studyUid, _, string[] sops) = Files();
        using var zipped = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(zipped, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] bytes) in new[] { ("DICOM/IM1", a), ("DICOM/IM2", b), ("DICOMDIR", b) })
            {
                await using Stream entry = await zip.CreateEntry(name).OpenAsync(Ct);
                await entry.WriteAsync(bytes, Ct);
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 2)]))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(browser, zipped.ToArray(), Metadata(("filename", "cd.zip"), ("kind", "zip")))).StatusCode);

        await FinishAsync(browser);
        JsonElement done = await WaitForStateAsync(browser, "Completed");

        Assert.Equal(["cd.zip/DICOM/IM1", "cd.zip/DICOM/IM2"], done.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()).Order());
        Assert.Equal(2, done.GetProperty("stored").GetInt32());
        Assert.Equal("Upload successful", done.GetProperty("message").GetString()); // the CD's DICOMDIR is its index, not a refused file
        string[] ids = await _portal.WithDbAsync(db => db.Instances.Where(i => sops.Contains(i.SopInstanceUid)).Select(i => i.Series.Study.Patient.PatientId).ToArrayAsync(Ct));
        Assert.Equal(2, ids.Length);
        Assert.Single(ids.Distinct());
        Assert.StartsWith("UP-", ids[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_study_a_user_uploaded_records_the_user_and_one_from_a_script_has_no_upload_record()
    {
        using HttpClient staff = _portal.Browser();
        HttpResponseMessage signedIn = await staff.PostAsJsonAsync("/api/auth/sign-in", new { email = "admin@test.local", password = "correct horse battery staple" }, Ct);
        Assert.True(signedIn.IsSuccessStatusCode, await signedIn.Content.ReadAsStringAsync(Ct));
        byte[] byUser = DicomSamples.WithNewUids("CT_small.dcm", out string userStudy, out _);
        byte[] byKey = DicomSamples.WithNewUids("MR_small.dcm", out string keyStudy, out _);
        foreach ((HttpClient client, byte[] bytes) in new[] { (staff, byUser), (_portal.Admin(), byKey) })
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/dicom");
            HttpResponseMessage stored = await client.PostAsync("/api/instances", content, Ct);
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync(Ct));
        }

        await _portal.Factory.Services.GetRequiredService<IndexCommitter>().WhenCommittedAsync(Ct); // read below without a request
        UploadRecords.UploadRecord record = (await _portal.WithDbAsync(db => UploadRecords.FindAsync(db, userStudy, showOriginalIds: true, Ct)))!;
        Assert.False(record.ByUploadCode);
        Assert.Equal("admin@test.local", record.By);
        Assert.Null(record.OriginalPatientId);
        Assert.Null(await _portal.WithDbAsync(db => UploadRecords.FindAsync(db, keyStudy, showOriginalIds: true, Ct)));
    }

    [Fact]
    public async Task Finishing_before_the_manifest_is_refused_and_after_finish_no_more_files_are_accepted()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        HttpResponseMessage early = await browser.PostAsync("/api/portal/session/finish", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        byte[] a = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out _);
        HttpResponseMessage beforeManifest = await UploadDicomAsync(browser, a, "a.dcm");
        Assert.Equal(HttpStatusCode.Conflict, beforeManifest.StatusCode);
        Assert.Equal(PortalRules.ConsentMessage, (await ProblemAsync(beforeManifest)).GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 1)]))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, a, "a.dcm")).StatusCode);
        await FinishAsync(browser);
        await WaitForStateAsync(browser, "Completed");

        Assert.Equal(HttpStatusCode.Conflict, (await UploadDicomAsync(browser, a, "again.dcm")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await browser.DeleteAsync("/api/portal/session", Ct)).StatusCode);
    }
}

public sealed class PortalIngestTests() : PortalIngestTestsBase(postgres: false);

public sealed class PortalIngestPostgresTests() : PortalIngestTestsBase(postgres: true);
