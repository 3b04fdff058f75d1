using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Access;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Web.Tests.StressTests;

/// <summary>
/// POST /api/stress-tests against studies the tests build: every row of the decision table and every edge case of
/// FORMATS.md §4.4 and §4.6. Each test uses its own Patient ID and its own XML variant, so tests do not see each other.
/// </summary>
public sealed class StressTestsApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private const string BruceId = "TEST-000101";
    private const string BikeId = "TEST-000202";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Answer(HttpStatusCode Status, JsonElement Body)
    {
        public string Outcome => Body.GetProperty("outcome").GetString()!;

        public string? StudyUid => Body.TryGetProperty("studyInstanceUid", out JsonElement e) ? e.GetString() : null;

        public string[] Candidates => [.. Body.GetProperty("candidates").EnumerateArray().Select(c => c.GetString("studyInstanceUid")!)];
    }

    private async Task<Answer> ImportAsync(byte[] xml, byte[]? pdf = null, string? target = null, bool confirm = false, HttpClient? client = null)
    {
        using HttpClient admin = factory.Admin();
        using var form = new MultipartFormDataContent();
        var xmlPart = new ByteArrayContent(xml);
        xmlPart.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        form.Add(xmlPart, "xml", "test1.xml");
        if (pdf is not null)
        {
            var pdfPart = new ByteArrayContent(pdf);
            pdfPart.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(pdfPart, "pdf", "test1.pdf");
        }

        if (target is not null)
        {
            form.Add(new StringContent(target), "targetStudyInstanceUid");
        }

        if (confirm)
        {
            form.Add(new StringContent("true"), "confirm");
        }

        using HttpResponseMessage response = await (client ?? admin).PostAsync("/api/stress-tests", form, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        return new Answer(response.StatusCode, body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone());
    }

    private async Task<EchoStudy> StoreAsync(EchoStudy study)
    {
        using HttpClient admin = factory.Admin();
        return await EchoFixtures.StoreAsync(admin, study);
    }

    private async Task<T> WithDbAsync<T>(Func<PorticoDbContext, Task<T>> query)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }

    private Task<int> AttachmentsOfPatientAsync(string patientId) =>
        WithDbAsync(db => db.StressTestAttachments.CountAsync(a => a.Study.Patient.PatientId == patientId, Ct));

    private Task<int> InstancesOfStudyAsync(string studyUid) =>
        WithDbAsync(db => db.Instances.CountAsync(i => i.Series.Study.StudyInstanceUid == studyUid, Ct));

    /// <summary>F1 (stress echo, attaches), F2 (plain echo TTE same day), F3 (stress echo 3 months earlier).</summary>
    private async Task<(EchoStudy F1, EchoStudy F2, EchoStudy F3)> BruceFixturesAsync(string id)
    {
        EchoStudy f1 = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20240312", StudyTime = "100200" });
        EchoStudy f2 = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20240312", StudyTime = "081500", Staged = false, Description = "TTE" });
        EchoStudy f3 = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20231205", StudyTime = "093000" });
        return (f1, f2, f3);
    }

    [Fact]
    public async Task Import_OneStrongCandidate_AttachesXmlAndPdfAsNewDocSeries()
    {
        string id = EchoFixtures.NewPatientId();
        (EchoStudy f1, _, _) = await BruceFixturesAsync(id);
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id);
        byte[] pdf = StressTestSamples.Bytes(StressTestSamples.Pdf);

        Answer a = await ImportAsync(xml, pdf);

        Assert.Equal(HttpStatusCode.OK, a.Status);
        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(f1.StudyInstanceUid, a.StudyUid);
        Assert.Equal("Patient ID", a.Body.GetString("matchedBy"));
        var series = await WithDbAsync(db => db.Series.Where(s => s.Study.StudyInstanceUid == f1.StudyInstanceUid).OrderBy(s => s.SeriesNumber).Select(s => new { s.Modality, s.SeriesNumber, s.Description }).ToListAsync(Ct));
        Assert.Equal(["US", "DOC"], series.Select(s => s.Modality));
        Assert.Equal(2, series[1].SeriesNumber);
        Assert.Equal("Exercise stress test report", series[1].Description);

        using HttpClient admin = factory.Admin();
        Assert.Equal(xml, await admin.GetByteArrayAsync($"/api/studies/{f1.StudyInstanceUid}/stress-test/xml", Ct));
        Assert.Equal(pdf, await admin.GetByteArrayAsync($"/api/studies/{f1.StudyInstanceUid}/stress-test/pdf", Ct));
        using JsonDocument summary = JsonDocument.Parse(await admin.GetStringAsync($"/api/studies/{f1.StudyInstanceUid}/stress-test", Ct));
        JsonElement test = summary.RootElement.GetProperty("test");
        Assert.Equal("BRUCE", test.GetString("protocolName"));
        Assert.Equal(151, test.GetProperty("maxHr").GetInt32());
        Assert.Equal("target heart rate achieved", test.GetString("terminationReason"));
        Assert.True(await WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "StressTest.Attached" && e.Target == f1.StudyInstanceUid, Ct)));
    }

    [Fact]
    public async Task Import_SameXmlAgain_ChangesNothing()
    {
        string id = EchoFixtures.NewPatientId();
        (EchoStudy f1, _, _) = await BruceFixturesAsync(id);
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id);
        byte[] pdf = StressTestSamples.Bytes(StressTestSamples.Pdf);
        await ImportAsync(xml, pdf);
        int instances = await InstancesOfStudyAsync(f1.StudyInstanceUid);
        int studies = await WithDbAsync(db => db.Studies.CountAsync(s => s.Patient.PatientId == id, Ct));
        int audit = await WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Target == f1.StudyInstanceUid, Ct));

        Answer again = await ImportAsync(xml, pdf);

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("AlreadyImported", again.Outcome);
        Assert.Equal(f1.StudyInstanceUid, again.StudyUid);
        Assert.Equal(instances, await InstancesOfStudyAsync(f1.StudyInstanceUid));
        Assert.Equal(studies, await WithDbAsync(db => db.Studies.CountAsync(s => s.Patient.PatientId == id, Ct)));
        Assert.Equal(1, await AttachmentsOfPatientAsync(id));
        Assert.Equal(audit, await WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Target == f1.StudyInstanceUid, Ct)));
    }

    [Fact]
    public async Task Import_NoStudies_CreatesStudyFromXmlFlaggedUnmatched()
    {
        string id = EchoFixtures.NewPatientId();
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id);

        Answer a = await ImportAsync(xml, StressTestSamples.Bytes(StressTestSamples.Pdf));

        Assert.Equal(HttpStatusCode.Created, a.Status);
        Assert.Equal("Created", a.Outcome);
        Assert.True(a.Body.GetProperty("unmatchedIdentity").GetBoolean());
        var study = await WithDbAsync(db => db.Studies.Where(s => s.StudyInstanceUid == a.StudyUid).Select(s => new { s.StudyDate, s.StudyTime, s.Description, s.AccessionNumber, s.Modalities, s.Patient.PatientId, s.Patient.PatientName, s.Patient.BirthDate, s.Patient.Sex }).SingleAsync(Ct));
        Assert.Equal(new DateOnly(2024, 3, 12), study.StudyDate);
        Assert.Equal("094105", study.StudyTime);
        Assert.Equal("Exercise stress test – BRUCE", study.Description);
        Assert.Equal("SYN-ACC-0001", study.AccessionNumber);
        Assert.Equal("DOC", study.Modalities);
        Assert.Equal(id, study.PatientId);
        Assert.Equal("TESTPATIENT^ALPHA", study.PatientName);
        Assert.Equal(new DateOnly(1961, 4, 15), study.BirthDate);
        Assert.Equal("M", study.Sex);
        Assert.True(await WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "StressTest.Created" && e.Target == a.StudyUid, Ct)));
    }

    [Fact]
    public async Task Import_PlainEchoSameDayOnly_IsNoCandidateAndCreatesUnderTheKnownPatient()
    {
        string id = EchoFixtures.NewPatientId();
        await StoreAsync(new EchoStudy { PatientId = id, PatientName = "Testpatient^Alpha", StudyDate = "20240312", StudyTime = "081500", Staged = false, Description = "TTE" });

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Created", a.Outcome);
        Assert.False(a.Body.GetProperty("unmatchedIdentity").GetBoolean());
        Assert.Equal("Testpatient^Alpha", await WithDbAsync(db => db.Studies.Where(s => s.StudyInstanceUid == a.StudyUid).Select(s => s.Patient.PatientName).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Import_StressEchoThreeMonthsEarlier_IsOutsideTheWindowAndCreates()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy f3 = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20231205", StudyTime = "093000" });

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Created", a.Outcome);
        Assert.NotEqual(f3.StudyInstanceUid, a.StudyUid);
    }

    [Fact]
    public async Task Import_WithoutPdfCreatingAStudy_CarriesAGeneratedSummaryPdf()
    {
        string id = EchoFixtures.NewPatientId();

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Created", a.Outcome);
        using HttpClient admin = factory.Admin();
        byte[] pdf = await admin.GetByteArrayAsync($"/api/studies/{a.StudyUid}/stress-test/pdf", Ct);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        Assert.Equal("Exercise stress test summary (generated)", await WithDbAsync(db => db.Series.Where(s => s.Study.StudyInstanceUid == a.StudyUid).Select(s => s.Description).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Import_AttachWithoutPdf_KeepsXmlAndAddsNoSeries()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy f1 = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20240312", StudyTime = "100200" });

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(2, await InstancesOfStudyAsync(f1.StudyInstanceUid));
        using HttpClient admin = factory.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/studies/{f1.StudyInstanceUid}/stress-test/pdf", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/studies/{f1.StudyInstanceUid}/stress-test", Ct)).StatusCode);
    }

    [Fact]
    public async Task Import_BikePaddedIdNoBirthDate_AttachesByIdStrong()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy f4 = await StoreAsync(new EchoStudy { PatientId = id, PatientName = "Testpatient^Beta", BirthDate = "19660101", Sex = "F", StudyDate = "20240507", StudyTime = "141000" });
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bike, BikeId, id);
        Assert.Contains("<PID>  " + id + " </PID>", System.Text.Encoding.Latin1.GetString(xml), StringComparison.Ordinal);

        Answer a = await ImportAsync(xml);

        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(f4.StudyInstanceUid, a.StudyUid);
        Assert.Equal("Patient ID", a.Body.GetString("matchedBy"));
    }

    [Fact]
    public async Task Import_TwoStressEchoesSameDay_IsAmbiguousNearestFirst_ThenTheChoiceAttaches()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy f4 = await StoreAsync(new EchoStudy { PatientId = id, PatientName = "Testpatient^Beta", BirthDate = "19660101", Sex = "F", StudyDate = "20240507", StudyTime = "141000" });
        EchoStudy f5 = await StoreAsync(new EchoStudy { PatientId = id, PatientName = "Testpatient^Beta", BirthDate = "19660101", Sex = "F", StudyDate = "20240507", StudyTime = "160000" });
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bike, BikeId, id);

        Answer a = await ImportAsync(xml);

        Assert.Equal(HttpStatusCode.Conflict, a.Status);
        Assert.Equal("Ambiguous", a.Outcome);
        Assert.Equal([f4.StudyInstanceUid, f5.StudyInstanceUid], a.Candidates);
        Assert.Equal(0, await AttachmentsOfPatientAsync(id));

        Answer chosen = await ImportAsync(xml, target: f5.StudyInstanceUid);

        Assert.Equal("Attached", chosen.Outcome);
        Assert.Equal(f5.StudyInstanceUid, chosen.StudyUid);
        Assert.Equal("Chosen by a person", chosen.Body.GetString("matchedBy"));
    }

    [Fact]
    public async Task Import_SameIdDifferentBirthDate_IsConflict_ConfirmAttaches()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy f6 = await StoreAsync(new EchoStudy { PatientId = id, BirthDate = "19700101", StudyDate = "20240312", StudyTime = "100500" });
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id);

        Answer a = await ImportAsync(xml, StressTestSamples.Bytes(StressTestSamples.Pdf));

        Assert.Equal(HttpStatusCode.Conflict, a.Status);
        Assert.Equal("Conflict", a.Outcome);
        Assert.Equal([f6.StudyInstanceUid], a.Candidates);
        Assert.Equal(0, await AttachmentsOfPatientAsync(id));
        Assert.Equal(2, await InstancesOfStudyAsync(f6.StudyInstanceUid));

        Answer unconfirmed = await ImportAsync(xml, target: f6.StudyInstanceUid);
        Assert.Equal("Conflict", unconfirmed.Outcome);

        Answer confirmed = await ImportAsync(xml, StressTestSamples.Bytes(StressTestSamples.Pdf), target: f6.StudyInstanceUid, confirm: true);
        Assert.Equal("Attached", confirmed.Outcome);
        Assert.Equal(f6.StudyInstanceUid, confirmed.StudyUid);
        Assert.NotEmpty(confirmed.Body.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Import_SameIdDifferentSex_IsConflict()
    {
        string id = EchoFixtures.NewPatientId();
        await StoreAsync(new EchoStudy { PatientId = id, Sex = "F", StudyDate = "20240312", StudyTime = "100500" });

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Conflict", a.Outcome);
    }

    [Fact]
    public async Task Import_NoIdInStudy_NameAndBirthDateMatch_AttachesWeak()
    {
        string name = "TESTPATIENT" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        EchoStudy f = await StoreAsync(new EchoStudy { PatientId = "", PatientName = name + "^ALPHA", StudyDate = "20240312", StudyTime = "100200" });
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bruce, "<FamilyName>TESTPATIENT</FamilyName>", $"<FamilyName>{name}</FamilyName>");

        Answer a = await ImportAsync(xml);

        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(f.StudyInstanceUid, a.StudyUid);
        Assert.Equal("Name and birth date", a.Body.GetString("matchedBy"));
        Assert.True(await WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Target == f.StudyInstanceUid && e.Details!.Contains("Name and birth date"), Ct)));
    }

    [Fact]
    public async Task Import_Latin1NameMatchesAsciiDicomName()
    {
        // The bike sample has no birth date; one is added so the name fallback can apply (no Patient ID on the study).
        string family = "TESTPATIENT" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        EchoStudy f = await StoreAsync(new EchoStudy { PatientId = "", PatientName = family + "^BETA", BirthDate = "19660101", Sex = "F", StudyDate = "20240507", StudyTime = "141000" });
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bike, "<FamilyName>TESTPATIENT</FamilyName>", $"<FamilyName>{family}</FamilyName>", t =>
            t.Replace("<Gender>", "<BirthDateTime><Day>1</Day><Month>1</Month><Year>1966</Year></BirthDateTime>\n\t\t<Gender>", StringComparison.Ordinal));

        Answer a = await ImportAsync(xml);

        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(f.StudyInstanceUid, a.StudyUid);
    }

    [Fact]
    public async Task Import_NoBirthDate_DemographicFallbackImpossible_Creates()
    {
        string family = "TESTPATIENT" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        EchoStudy f = await StoreAsync(new EchoStudy { PatientId = "", PatientName = family + "^BETA", BirthDate = "19660101", Sex = "F", StudyDate = "20240507", StudyTime = "141000" });
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bike, "<FamilyName>TESTPATIENT</FamilyName>", $"<FamilyName>{family}</FamilyName>");

        Answer a = await ImportAsync(xml);

        Assert.Equal("Created", a.Outcome);
        Assert.NotEqual(f.StudyInstanceUid, a.StudyUid);
    }

    [Fact]
    public async Task Import_DifferentIds_AreNotTheSamePatient()
    {
        string id = EchoFixtures.NewPatientId();
        await StoreAsync(new EchoStudy { PatientId = id + "X", StudyDate = "20240312", StudyTime = "100200" });

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Created", a.Outcome);
    }

    [Fact]
    public async Task Import_MidnightCrossing_IsWithinTheWindow()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy f = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20240313", StudyTime = "002000" });
        byte[] xml = EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id, t => t.Replace("<Hour>9</Hour>\n\t\t<Minute>41</Minute>", "<Hour>23</Hour>\n\t\t<Minute>50</Minute>", StringComparison.Ordinal));

        Answer a = await ImportAsync(xml);

        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(f.StudyInstanceUid, a.StudyUid);
    }

    [Fact]
    public async Task Import_StressEchoByDescriptionOnly_IsACandidate()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy f = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20240312", StudyTime = "100200", Staged = false, Description = "Dobutamine STRESS echo" });

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(f.StudyInstanceUid, a.StudyUid);
    }

    [Fact]
    public async Task Import_StageNameOnly_IsACandidate()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy f = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20240312", StudyTime = "100200", Staged = false, StageNameOnly = "PEAK-EXERCISE", Description = "Echo" });

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(f.StudyInstanceUid, a.StudyUid);
    }

    [Fact]
    public async Task Import_StudyWithoutTime_NeedsTheSameDate()
    {
        string id = EchoFixtures.NewPatientId();
        EchoStudy sameDay = await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20240312" });
        await StoreAsync(new EchoStudy { PatientId = id, StudyDate = "20240313" });

        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id));

        Assert.Equal("Attached", a.Outcome);
        Assert.Equal(sameDay.StudyInstanceUid, a.StudyUid);
    }

    [Fact]
    public async Task Import_Broken_Is400AndChangesNothing()
    {
        string id = EchoFixtures.NewPatientId();
        (EchoStudy f1, _, _) = await BruceFixturesAsync(id);

        Answer a = await ImportAsync(StressTestSamples.Bytes(StressTestSamples.Broken), StressTestSamples.Bytes(StressTestSamples.Pdf));

        Assert.Equal(HttpStatusCode.BadRequest, a.Status);
        Assert.Equal("NotXml", a.Body.GetString("refusal"));
        Assert.Contains("not well-formed XML", a.Body.GetString("detail"), StringComparison.Ordinal);
        Assert.Equal(2, await InstancesOfStudyAsync(f1.StudyInstanceUid));
        Assert.Equal(0, await WithDbAsync(db => db.StressTestAttachments.CountAsync(x => x.XmlSha256 == "6d778848532ccc5fd4493e139847deb9e2a2a719ff61ceecc0212f8a03189e1e", Ct)));
    }

    [Fact]
    public async Task Import_Refusals_HaveClearProblems()
    {
        Answer resting = await ImportAsync(StressTestSamples.RestingEcg);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, resting.Status);
        Assert.Equal("RestingEcg", resting.Body.GetString("refusal"));

        Answer other = await ImportAsync(StressTestSamples.OtherVendor);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, other.Status);
        Assert.Equal("UnsupportedFormat", other.Body.GetString("refusal"));
        Assert.Contains("StressTestExport", other.Body.GetString("detail"), StringComparison.Ordinal);

        string id = EchoFixtures.NewPatientId();
        Answer notPdf = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id), "not a pdf"u8.ToArray());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notPdf.Status);
        Assert.Equal("NotPdf", notPdf.Body.GetString("refusal"));
        Assert.Equal(0, await WithDbAsync(db => db.Studies.CountAsync(s => s.Patient.PatientId == id, Ct)));

        Answer missing = await ImportAsync([]);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("Missing", missing.Body.GetString("refusal"));

        Answer unknownTarget = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id), target: "1.2.3.4.5");
        Assert.Equal(HttpStatusCode.NotFound, unknownTarget.Status);
    }

    [Fact]
    public async Task Import_TooLarge_Is413()
    {
        await using var small = new PorticoFactory { Settings = new Dictionary<string, string> { ["Portico:StressTests:MaxXmlBytes"] = "1000" } };
        await small.InitializeAsync();
        using HttpClient client = small.Admin();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(StressTestSamples.Bytes(StressTestSamples.Bruce)), "xml", "big.xml" } };

        using HttpResponseMessage response = await client.PostAsync("/api/stress-tests", form, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("TooLarge", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WithoutUploadPermission_IsForbidden()
    {
        using HttpClient viewer = factory.ClientWithKey(await factory.CreateKeyAsync(Permissions.StudiesView));

        Answer a = await ImportAsync(StressTestSamples.Bytes(StressTestSamples.Bruce), client: viewer);

        Assert.Equal(HttpStatusCode.Forbidden, a.Status);
    }

    [Fact]
    public async Task Import_StoredEncapsulatedPdf_DcmdumpReadsIt_Dcm2pdfGivesTheSameBytes()
    {
        string id = EchoFixtures.NewPatientId();
        (EchoStudy f1, _, _) = await BruceFixturesAsync(id);
        byte[] pdf = StressTestSamples.Bytes(StressTestSamples.Pdf);
        Answer a = await ImportAsync(EchoFixtures.Variant(StressTestSamples.Bruce, BruceId, id), pdf);
        string sop = a.Body.GetString("pdfSopInstanceUid")!;
        using HttpClient admin = factory.Admin();
        string dir = Directory.CreateTempSubdirectory("portico-stress-").FullName;
        try
        {
            string dcm = Path.Combine(dir, "report.dcm");
            await File.WriteAllBytesAsync(dcm, await admin.GetByteArrayAsync($"/api/instances/{sop}/file", Ct), Ct);

            string dump = await RunAsync("dcmdump", dcm);
            Assert.Contains("[application/pdf]", dump, StringComparison.Ordinal);
            Assert.Contains("(0042,0015) UL 1129", dump, StringComparison.Ordinal);
            Assert.Contains("[DOC]", dump, StringComparison.Ordinal);
            Assert.Contains(f1.StudyInstanceUid, dump, StringComparison.Ordinal);
            Assert.Contains("TESTPATIENT^ALPHA", dump, StringComparison.Ordinal);

            await RunAsync("dcm2pdf", dcm, Path.Combine(dir, "out.pdf"));
            Assert.Equal(pdf, await File.ReadAllBytesAsync(Path.Combine(dir, "out.pdf"), Ct));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        ExternalProgram.Result result = await ExternalProgram.RunAsync(tool, arguments, cancellationToken: Ct);
        Assert.True(result.ExitCode == 0, $"{tool} failed: {result.Messages}");
        return result.Messages;
    }
}

internal static class JsonElementExtensions
{
    public static string? GetString(this JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
