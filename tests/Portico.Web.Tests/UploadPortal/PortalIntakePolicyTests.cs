using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.IO;
using Portico.Index.Studies;
using Portico.Index.UploadPortal;
using Portico.Ingest.Pipeline;
using Portico.Tests.Shared;
using Portico.Web.Features.UploadPortal;
using Xunit;
using static Portico.Web.Tests.UploadPortal.PortalHarness;

namespace Portico.Web.Tests.UploadPortal;

/// <summary>The intake policy's mapping: consistent within a session, under concurrency and across a restart.</summary>
public sealed class PortalIntakePolicyTests
{
    private static readonly DicomFile Sample = DicomFile.Open(DicomSamples.Pydicom("CT_small.dcm"));

    private static InstanceHeader Header(string studyUid, string patientId = "OUT-1", string name = "Doe^Jane") =>
        InstanceHeader.From(Sample) with { StudyInstanceUid = studyUid, PatientId = patientId, PatientName = name, AccessionNumber = "A-" + studyUid };

    private static async Task<Guid> NewSessionAsync(PortalHarness portal, PortalSessionState state = PortalSessionState.Validating) =>
        await portal.WithDbAsync(async db =>
        {
            var code = new UploadCode { CodeHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), CreatedBy = "test", CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(1) };
            var session = new PortalSession { UploadCodeId = code.Id, CodeHint = "WXYZ", CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(1), State = state };
            db.UploadCodes.Add(code);
            db.PortalSessions.Add(session);
            await db.SaveChangesAsync(Ct);
            return session.Id;
        });

    private static PortalIntakePolicy FreshPolicy(PortalHarness portal) =>
        new(portal.Factory.Services.GetRequiredService<IServiceScopeFactory>(), new PortalSessionLocks());

    private static IngestSource Source(Guid session) => new(IngestSourceKind.UploadCode, session.ToString(), "code …WXYZ", "127.0.0.1");

    [Fact]
    public async Task Concurrent_files_of_one_session_agree_and_other_patients_and_studies_get_their_own_values()
    {
        await using var portal = new PortalHarness();
        Guid session = await NewSessionAsync(portal);
        PortalIntakePolicy policy = portal.Factory.Services.GetServices<IIngestPolicy>().OfType<PortalIntakePolicy>().Single();

        PolicyDecision[] decisions = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => policy.EvaluateAsync(Sample, Header("1.2.840.1"), Source(session), Ct).AsTask()));
        PolicyDecision otherPatient = await policy.EvaluateAsync(Sample, Header("1.2.840.2", "OUT-2", "Roe^John"), Source(session), Ct);
        PolicyDecision samePatientOtherStudy = await policy.EvaluateAsync(Sample, Header("1.2.840.3"), Source(session), Ct);

        Assert.Single(decisions.Select(d => d.Replacements[Portico.Dicom.Dictionary.DicomTags.PatientID]).Distinct());
        Assert.Single(decisions.Select(d => d.Replacements[Portico.Dicom.Dictionary.DicomTags.AccessionNumber]).Distinct());
        PolicyDecision first = decisions[0];
        Assert.Null(first.Refusal);
        Assert.Equal([DefaultLabels.Uploaded], first.StudyLabels);
        Assert.Equal(WorkflowStatus.Finalized, first.StudyStatus);
        Assert.Equal("PORTICO-UPLOAD", first.Replacements[Portico.Dicom.Dictionary.DicomTags.IssuerOfPatientID]);
        Assert.Equal(
            [Portico.Dicom.Dictionary.DicomTags.OtherPatientIDs, Portico.Dicom.Dictionary.DicomTags.OtherPatientIDsSequence, Portico.Dicom.Dictionary.DicomTags.IssuerOfPatientIDQualifiersSequence],
            first.Removals);
        Assert.NotEqual(first.Replacements[Portico.Dicom.Dictionary.DicomTags.PatientID], otherPatient.Replacements[Portico.Dicom.Dictionary.DicomTags.PatientID]);
        Assert.Equal(first.Replacements[Portico.Dicom.Dictionary.DicomTags.PatientID], samePatientOtherStudy.Replacements[Portico.Dicom.Dictionary.DicomTags.PatientID]);
        Assert.NotEqual(first.Replacements[Portico.Dicom.Dictionary.DicomTags.AccessionNumber], samePatientOtherStudy.Replacements[Portico.Dicom.Dictionary.DicomTags.AccessionNumber]);
        Assert.Equal(2, await portal.WithDbAsync(db => db.PortalPatients.CountAsync(p => p.SessionId == session, Ct)));
        Assert.Equal(3, await portal.WithDbAsync(db => db.PortalStudies.CountAsync(p => p.SessionId == session, Ct)));
        PortalStudy study = await portal.WithDbAsync(db => db.PortalStudies.AsNoTracking().SingleAsync(p => p.StudyInstanceUid == "1.2.840.1", Ct));
        Assert.Equal(("OUT-1", "A-1.2.840.1"), (study.OriginalPatientId, study.OriginalAccessionNumber));
    }

    [Fact]
    public async Task Unknown_cancelled_or_unsent_sessions_are_refused_and_other_sources_are_left_alone()
    {
        await using var portal = new PortalHarness();
        PortalIntakePolicy policy = FreshPolicy(portal);
        Guid cancelled = await NewSessionAsync(portal, PortalSessionState.Cancelled);
        Guid open = await NewSessionAsync(portal, PortalSessionState.Open);

        foreach (IngestSource source in new[] { Source(Guid.NewGuid()), Source(cancelled), Source(open), new IngestSource(IngestSourceKind.UploadCode, "not a session") })
        {
            PolicyDecision decision = await policy.EvaluateAsync(Sample, Header("1.2.840.9"), source, Ct);
            Assert.Equal(PortalIntakePolicy.UnknownSessionMessage, decision.Refusal);
        }

        Assert.Same(PolicyDecision.Accept, await policy.EvaluateAsync(Sample, Header("1.2.840.9"), new IngestSource(IngestSourceKind.User, "u", "a@b.c"), Ct));
    }

    [Fact]
    public async Task The_mapping_and_a_waiting_session_survive_a_restart()
    {
        string data = Path.Combine(Path.GetTempPath(), "portico-web-tests", Guid.NewGuid().ToString("N"));
        Guid session;
        string patientId;
        string accession;
        string studyUid;
        string sopUid;
        await using (var before = new PortalHarness(dataDirectory: data, deleteData: false))
        {
            session = await NewSessionAsync(before);
            PolicyDecision first = await FreshPolicy(before).EvaluateAsync(Sample, Header("1.2.840.5"), Source(session), Ct);
            patientId = first.Replacements[Portico.Dicom.Dictionary.DicomTags.PatientID];
            accession = first.Replacements[Portico.Dicom.Dictionary.DicomTags.AccessionNumber];

            // A finished session whose scanner is away when the server stops.
            before.Scanning.Down = true;
            using HttpClient browser = await before.OpenSessionAsync();
            byte[] bytes = DicomSamples.WithNewUids("CT_small.dcm", out studyUid, out sopUid);
            Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 1)]))).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, bytes, "a.dcm")).StatusCode);
            await FinishAsync(browser);
            await WaitForStateAsync(browser, "WaitingForScanner");
        }

        await using var after = new PortalHarness(dataDirectory: data);
        PolicyDecision second = await FreshPolicy(after).EvaluateAsync(Sample, Header("1.2.840.5"), Source(session), Ct);
        Assert.Equal(patientId, second.Replacements[Portico.Dicom.Dictionary.DicomTags.PatientID]);
        Assert.Equal(accession, second.Replacements[Portico.Dicom.Dictionary.DicomTags.AccessionNumber]);

        // The scanner is back after the restart: the waiting session is processed without anyone asking.
        PortalSessionState state = default;
        for (int i = 0; i < 200 && state != PortalSessionState.Completed; i++)
        {
            await Task.Delay(50, Ct);
            state = await after.WithDbAsync(db => db.PortalSessions.Where(s => db.PortalFiles.Any(f => f.SessionId == s.Id)).Select(s => s.State).SingleAsync(Ct));
        }

        Assert.Equal(PortalSessionState.Completed, state);
        Assert.Equal(1, await after.WithDbAsync(db => db.Instances.CountAsync(x => x.SopInstanceUid == sopUid, Ct)));
    }
}
