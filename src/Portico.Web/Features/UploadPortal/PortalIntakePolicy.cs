using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Index.UploadPortal;
using Portico.Ingest.Pipeline;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// The source policy for Upload Portal files (issue 7, point 6): Patient ID and Accession Number are replaced in the
/// stored file by new values, so outside identifiers can neither be searched nor collide with local ones; the same
/// original patient (ID, name and birth date) gets the same new Patient ID in every file of the session, and each study
/// one new Accession Number. The mapping is saved with the session before the instance is stored, under the session's
/// lock, so a second file, a concurrent one or a restart gets the same values. The study is labelled <c>Uploaded</c>
/// and starts <c>Finalized</c>. An instance claiming a portal source whose session is unknown is refused.
/// </summary>
public sealed class PortalIntakePolicy(IServiceScopeFactory scopes, PortalSessionLocks locks) : IIngestPolicy
{
    /// <summary>Issuer of Patient ID written into every uploaded file.</summary>
    public const string Issuer = "PORTICO-UPLOAD";

    public const string UnknownSessionMessage = "This file does not belong to an open upload session and was not stored.";

    private const string Prefix = "UP-";
    private const int RandomLength = 10;

    public async ValueTask<PolicyDecision> EvaluateAsync(DicomFile header, InstanceHeader instance, IngestSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(source);
        if (source.Kind != IngestSourceKind.UploadCode)
        {
            return PolicyDecision.Accept;
        }

        if (!Guid.TryParse(source.Id, out Guid sessionId))
        {
            return PolicyDecision.Refuse(UnknownSessionMessage);
        }

        using IDisposable held = await locks.EnterAsync(sessionId, cancellationToken).ConfigureAwait(false);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        PortalSession? session = await db.PortalSessions.Include(s => s.Studies).Include(s => s.Patients)
            .AsSplitQuery().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken).ConfigureAwait(false);
        if (session is null || session.State is PortalSessionState.Cancelled or PortalSessionState.Open)
        {
            return PolicyDecision.Refuse(UnknownSessionMessage);
        }

        PortalStudy? study = session.Studies.FirstOrDefault(s => s.StudyInstanceUid == instance.StudyInstanceUid);
        if (study?.NewAccessionNumber is null)
        {
            int cap = await db.UploadPortalSettings.AsNoTracking().TheRow().Select(s => (int?)s.MaxStudiesPerSession).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
                ?? new UploadPortalSettings().MaxStudiesPerSession;
            if (session.Studies.Count(s => s.NewAccessionNumber is not null) >= cap)
            {
                return PolicyDecision.Refuse(PortalRules.StudiesPerSessionMessage(cap));
            }
        }

        string key = PatientKey(instance);
        PortalPatient? patient = session.Patients.FirstOrDefault(p => p.OriginalKey == key);
        bool changed = false;
        if (patient is null)
        {
            patient = new PortalPatient { SessionId = session.Id, OriginalKey = key, OriginalPatientId = IndexLimits.Fit(instance.PatientId, IndexLimits.LongStringMaxLength), NewPatientId = await NewPatientIdAsync(db, cancellationToken).ConfigureAwait(false) };
            db.PortalPatients.Add(patient);
            changed = true;
        }

        if (study is null)
        {
            study = new PortalStudy { SessionId = session.Id, StudyInstanceUid = instance.StudyInstanceUid };
            db.PortalStudies.Add(study);
            changed = true;
        }

        if (study.NewAccessionNumber is null)
        {
            // As the files came (cut to the column when a device sent more than a Long String holds).
            study.OriginalPatientId = IndexLimits.Fit(instance.PatientId, IndexLimits.LongStringMaxLength);
            study.OriginalAccessionNumber = IndexLimits.Fit(instance.AccessionNumber, IndexLimits.LongStringMaxLength);
            study.NewPatientId = patient.NewPatientId;
            study.NewAccessionNumber = await NewAccessionNumberAsync(db, cancellationToken).ConfigureAwait(false);
            changed = true;
        }

        if (changed)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return new PolicyDecision
        {
            Replacements = new Dictionary<DicomTag, string>
            {
                [DicomTags.PatientID] = patient.NewPatientId,
                [DicomTags.IssuerOfPatientID] = Issuer,
                [DicomTags.AccessionNumber] = study.NewAccessionNumber,
            },
            // The sender's other identifiers for the patient would tie the upload to their numbering (and could be
            // matched by a PACS as this hospital's); the originals are kept in the upload record.
            Removals = [DicomTags.OtherPatientIDs, DicomTags.OtherPatientIDsSequence, DicomTags.IssuerOfPatientIDQualifiersSequence],
            StudyLabels = [DefaultLabels.Uploaded],
            StudyStatus = WorkflowStatus.Finalized,
        };
    }

    /// <summary>The same person in the session's files: original Patient ID, name and birth date (hashed; never logged).</summary>
    internal static string PatientKey(InstanceHeader instance)
    {
        string text = string.Join('\u001f', instance.PatientId, instance.PatientName, instance.PatientBirthDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary><c>UP-</c> and 10 characters of the upload-code alphabet (about 45 bits), not used by any patient.</summary>
    private static async Task<string> NewPatientIdAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        for (; ; )
        {
            string id = NewValue();
            if (!await db.Patients.AnyAsync(p => p.PatientId == id, cancellationToken).ConfigureAwait(false)
                && !await db.PortalPatients.AnyAsync(p => p.NewPatientId == id, cancellationToken).ConfigureAwait(false))
            {
                return id;
            }
        }
    }

    private static async Task<string> NewAccessionNumberAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        for (; ; )
        {
            string number = NewValue();
            if (!await db.Studies.AnyAsync(s => s.AccessionNumber == number, cancellationToken).ConfigureAwait(false)
                && !await db.PortalStudies.AnyAsync(s => s.NewAccessionNumber == number, cancellationToken).ConfigureAwait(false))
            {
                return number;
            }
        }
    }

    private static string NewValue()
    {
        Span<char> chars = stackalloc char[RandomLength];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = UploadCodeSecret.Alphabet[RandomNumberGenerator.GetInt32(UploadCodeSecret.Alphabet.Length)];
        }

        return Prefix + new string(chars);
    }
}
