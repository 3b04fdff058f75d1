using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Dicom;
using Portico.Dicom.IO;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Storage;

namespace Portico.Web.Features.StressTests;

/// <summary>
/// Finds the studies a stress test may belong to (FORMATS.md §4.3) over the index. The index has no stage attributes,
/// so the stress-echo evidence is read from the stored headers of the US instances of the few studies that are in the
/// time window and whose patient matches.
/// </summary>
public sealed class StressTestMatcher(PorticoDbContext db, IBlobStore blobs, IOptions<StressTestOptions> options)
{
    /// <summary>US storage SOP classes (PS3.4 Table B.5-1): Ultrasound Image, Ultrasound Multi-frame Image, Enhanced US Volume.</summary>
    private static readonly string[] UltrasoundClasses = ["1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.3.1", "1.2.840.10008.5.1.4.1.1.6.2"];

    /// <summary>Headers read per study at most, looking for stage attributes.</summary>
    private const int MaxHeadersPerStudy = 64;

    /// <summary>Candidate studies (with identity Strong, Weak or Conflict), nearest in time first.</summary>
    public async Task<List<StressTestCandidate>> FindCandidatesAsync(StressTest test, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.Start is not { } start)
        {
            return [];
        }

        TimeSpan window = options.Value.MatchWindow;
        DateOnly from = DateOnly.FromDateTime(start - window).AddDays(-1);
        DateOnly to = DateOnly.FromDateTime(start + window).AddDays(1);
        var studies = await db.Studies.AsNoTracking()
            .Where(s => s.StudyDate >= from && s.StudyDate <= to)
            .Select(s => new
            {
                s.Id,
                s.StudyInstanceUid,
                s.StudyDate,
                s.StudyTime,
                s.StudyDateTime,
                s.Description,
                s.Modalities,
                Patient = new DicomPatient(s.Patient.PatientId, s.Patient.IssuerOfPatientId, s.Patient.PatientName, s.Patient.BirthDate, s.Patient.Sex),
                HasAttachment = db.StressTestAttachments.Any(a => a.StudyId == s.Id),
                HasUltrasound = s.ModalitiesSearch.Contains("|US|") || s.Series.Any(x => x.Modality == "US"),
            })
            .ToListAsync(cancellationToken);

        var candidates = new List<StressTestCandidate>();
        foreach (var s in studies)
        {
            if (!s.HasUltrasound || s.HasAttachment || !InWindow(start, s.StudyDate, s.StudyTime, s.StudyDateTime, window, out double? hours))
            {
                continue;
            }

            IdentityMatch identity = PatientIdentity.Compare(test.Patient, s.Patient, options.Value.AllowDemographicFallbackWhenIdsDiffer);
            if (identity == IdentityMatch.None)
            {
                continue;
            }

            string? evidence = await EvidenceAsync(s.Id, s.Description, cancellationToken);
            if (evidence is null)
            {
                continue;
            }

            candidates.Add(StressTestCandidate.Of(s.StudyInstanceUid, s.StudyDate, s.StudyTime, s.Description, s.Modalities, s.Patient, identity, hours, evidence));
        }

        return [.. candidates.OrderBy(c => c.HoursApart ?? double.MaxValue)];
    }

    /// <summary>
    /// The patient of the nearest-in-time study (any modality) that matches the test's patient Strong or Weak, so a
    /// new study goes under that patient; null when the patient is unknown.
    /// </summary>
    public async Task<DicomPatient?> FindKnownPatientAsync(StressTest test, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(test);
        string id = PatientIdentity.NormalizeId(test.Patient.Id);
        string family = PatientIdentity.NormalizeName(test.Patient.FamilyName);
        DateOnly? birth = test.Patient.BirthDate;
        if (id.Length == 0 && (family.Length == 0 || birth is null))
        {
            return null;
        }

        // A coarse filter in SQL (same ID ignoring case and outer spaces, or same birth date), the exact rule in memory.
        string upper = id.ToUpperInvariant();
#pragma warning disable CA1862 // translated to SQL, where string.Equals with a StringComparison is not
        List<DicomPatient> patients = await db.Patients.AsNoTracking()
            .Where(p => (upper.Length > 0 && p.PatientId.Trim().ToUpper() == upper) || (birth != null && p.BirthDate == birth))
#pragma warning restore CA1862
            .OrderByDescending(p => p.Studies.Max(s => s.StudyDateTime))
            .Take(200)
            .Select(p => new DicomPatient(p.PatientId, p.IssuerOfPatientId, p.PatientName, p.BirthDate, p.Sex))
            .ToListAsync(cancellationToken);
        return patients.FirstOrDefault(p => PatientIdentity.Compare(test.Patient, p, options.Value.AllowDemographicFallbackWhenIdsDiffer) is IdentityMatch.Strong or IdentityMatch.Weak);
    }

    /// <summary>|start − (StudyDate + StudyTime)| within the window; without a Study Time, the same calendar date (§4.3).</summary>
    public static bool InWindow(DateTime start, DateOnly? studyDate, string studyTime, DateTime? studyDateTime, TimeSpan window, out double? hours)
    {
        hours = null;
        if (studyDate is not { } date)
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(studyTime) || studyDateTime is not { } when)
        {
            return date == DateOnly.FromDateTime(start);
        }

        // Both are naive local times (the index labels them UTC without converting): compare the wall clocks.
        TimeSpan apart = (DateTime.SpecifyKind(when, DateTimeKind.Unspecified) - DateTime.SpecifyKind(start, DateTimeKind.Unspecified)).Duration();
        hours = Math.Round(apart.TotalHours, 2);
        return apart <= window;
    }

    private async Task<string?> EvidenceAsync(StudyId studyId, string studyDescription, CancellationToken cancellationToken)
    {
        List<string> keys = await db.Instances.AsNoTracking()
            .Where(i => i.Series.StudyId == studyId && (i.Series.Modality == "US" || UltrasoundClasses.Contains(i.SopClassUid)))
            .OrderBy(i => i.ReceivedAt)
            .Select(i => i.BlobKey)
            .Take(MaxHeadersPerStudy)
            .ToListAsync(cancellationToken);
        (int Rank, string Name)? best = null;
        foreach (string key in keys)
        {
            if (await ReadHeaderEvidenceAsync(key, cancellationToken) is { } found && (best is null || found.Rank < best.Value.Rank))
            {
                best = found;
                if (found.Rank == 0)
                {
                    break;
                }
            }
        }

        return best?.Name ?? (StressEchoEvidence.MentionsStress(studyDescription) ? "Study Description" : null);
    }

    private async Task<(int Rank, string Name)?> ReadHeaderEvidenceAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await using Stream stream = blobs.OpenRead(BlobKey.Parse(key));
            DicomFile header = await DicomFile.ReadAsync(stream, DicomFileReadOptions.HeaderOnly, cancellationToken);
            return StressEchoEvidence.FromInstance(header.Dataset);
        }
        catch (Exception ex) when (ex is DicomFormatException or FileNotFoundException)
        {
            return null; // a missing or unreadable blob is the index verifier's business; it is no evidence here
        }
    }
}
