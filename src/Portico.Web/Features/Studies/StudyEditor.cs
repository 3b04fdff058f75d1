using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Storage;
using Portico.Web.Security;

namespace Portico.Web.Features.Studies;

/// <summary>Who asks for a change and from where (the audit entry's actor and address).</summary>
public sealed record StudyCaller(ClaimsPrincipal User, string? RemoteAddress);

public enum StudyChangeOutcome
{
    Done,
    NotFound,
    Invalid,
}

/// <summary>What a change did: done, no such study, or invalid input with a message per field.</summary>
public sealed record StudyChangeResult(StudyChangeOutcome Outcome, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static StudyChangeResult Done { get; } = new(StudyChangeOutcome.Done);

    public static StudyChangeResult NotFound { get; } = new(StudyChangeOutcome.NotFound);

    public static StudyChangeResult Invalid(string field, string message) =>
        new(StudyChangeOutcome.Invalid, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// Every change a person makes to a study, for both the study page and <c>/api/studies</c>: labels, workflow status,
/// patient identity, merge with a patient, review and deletion. Each writes its audit entry in the same transaction as the change.
/// </summary>
public sealed class StudyEditor(PorticoDbContext db, IBlobStore blobs, StudyIdentityRewrite rewrite, TimeProvider clock)
{
    public const int LabelMaxLength = 64;

    public async Task<StudyChangeResult> AddLabelAsync(string studyUid, string label, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        string name = (label ?? "").Trim();
        if (name.Length is 0 or > LabelMaxLength)
        {
            return StudyChangeResult.Invalid("label", $"A label has 1 to {LabelMaxLength} characters.");
        }

        Study? study = await db.Studies.Include(s => s.Labels).ThenInclude(l => l.Label).FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return StudyChangeResult.NotFound;
        }

        if (study.Labels.All(l => l.Label.Name != name))
        {
            Label entity = await db.Labels.FirstOrDefaultAsync(l => l.Name == name, cancellationToken) ?? db.Labels.Add(new Label { Name = name }).Entity;
            study.Labels.Add(new StudyLabel { Study = study, Label = entity, AddedAt = clock.GetUtcNow().UtcDateTime, AddedBy = caller.User.Actor() });
            db.AuditEntries.Add(Audit(caller, "Study.LabelAdded", studyUid, JsonSerializer.Serialize(new { label = name })));
            await db.SaveChangesAsync(cancellationToken);
        }

        return StudyChangeResult.Done;
    }

    public async Task<StudyChangeResult> RemoveLabelAsync(string studyUid, string label, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Study? study = await db.Studies.Include(s => s.Labels).ThenInclude(l => l.Label).FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return StudyChangeResult.NotFound;
        }

        StudyLabel? existing = study.Labels.FirstOrDefault(l => l.Label.Name == (label ?? "").Trim());
        if (existing is not null)
        {
            study.Labels.Remove(existing);
            db.AuditEntries.Add(Audit(caller, "Study.LabelRemoved", studyUid, JsonSerializer.Serialize(new { label = existing.Label.Name })));
            await db.SaveChangesAsync(cancellationToken);
        }

        return StudyChangeResult.Done;
    }

    public async Task<StudyChangeResult> SetStatusAsync(string studyUid, string status, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Enum.TryParse(status, ignoreCase: true, out WorkflowStatus value) || !Enum.IsDefined(value))
        {
            return StudyChangeResult.Invalid("status", "The status is New, InProgress or Finalized.");
        }

        Study? study = await db.Studies.FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return StudyChangeResult.NotFound;
        }

        if (study.WorkflowStatus != value)
        {
            WorkflowStatus before = study.WorkflowStatus;
            study.WorkflowStatus = value;
            db.AuditEntries.Add(Audit(caller, "Study.StatusChanged", studyUid, $"{{\"from\":\"{before}\",\"to\":\"{value}\"}}"));
            await db.SaveChangesAsync(cancellationToken);
        }

        return StudyChangeResult.Done;
    }

    /// <summary>
    /// Gives the study a new patient identity, in the index and in its stored DICOM files (rewritten through
    /// <see cref="StudyIdentityRewrite"/>, committed in one transaction with the index change). The study moves to the
    /// patient record that already has exactly this identity (same ID, issuer, name, birth date, sex); if there is
    /// none, the study's own record is corrected when no other study shares it, else a new record is created. A
    /// record left without studies is removed. The audit entry holds the old and new values and the reason.
    /// </summary>
    public async Task<StudyChangeResult> ChangePatientAsync(string studyUid, PatientIdentityChange change, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(caller);
        if (change.Validate() is { } errors)
        {
            return new StudyChangeResult(StudyChangeOutcome.Invalid, errors);
        }

        Patient? old = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid).Select(s => s.Patient).FirstOrDefaultAsync(cancellationToken);
        if (old is null)
        {
            return StudyChangeResult.NotFound;
        }

        var target = new StoredPatientIdentity(change.Name.ToDicom(), change.PatientId.Trim(), old.IssuerOfPatientId, change.BirthDate, change.NormalizedSex);
        if (target.Matches(old))
        {
            return StudyChangeResult.Done;
        }

        return await rewrite.RunAsync(studyUid, target, async (study, files, token) =>
        {
            Patient current = study.Patient;
            var before = PatientIdentityChange.Snapshot(current);
            Patient? match = await db.Patients.FirstOrDefaultAsync(
                p => p.Id != current.Id && p.PatientId == target.PatientId && p.IssuerOfPatientId == target.IssuerOfPatientId && p.PatientName == target.PatientName
                     && p.BirthDate == target.BirthDate && p.Sex == target.Sex,
                token);
            bool shared = await db.Studies.AnyAsync(s => s.PatientRecordId == current.Id && s.Id != study.Id, token);
            string record;
            if (match is not null)
            {
                study.Patient = match;
                study.PatientRecordId = match.Id;
                record = "moved";
            }
            else if (!shared)
            {
                current.PatientName = target.PatientName;
                current.PatientId = target.PatientId;
                current.BirthDate = target.BirthDate;
                current.Sex = target.Sex;
                record = "updated";
            }
            else
            {
                var created = new Patient { PatientName = target.PatientName, PatientId = target.PatientId, IssuerOfPatientId = target.IssuerOfPatientId, BirthDate = target.BirthDate, Sex = target.Sex };
                db.Patients.Add(created);
                study.Patient = created;
                study.PatientRecordId = created.Id;
                record = "created";
            }

            if (match is not null && !shared)
            {
                db.Patients.Remove(current);
            }

            var details = new
            {
                from = before,
                to = new { patientName = target.PatientName, patientId = target.PatientId, issuerOfPatientId = target.IssuerOfPatientId, birthDate = target.BirthDate, sex = target.Sex },
                patientRecord = record,
                storedFilesRewritten = files,
            };
            db.AuditEntries.Add(Audit(caller, "Study.PatientIdentityChanged", studyUid, JsonSerializer.Serialize(details), change.Reason.Trim()));
            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// <i>Merge with patient</i>: the study moves to the patient record <paramref name="targetPatientRecord"/> and its
    /// stored DICOM files are rewritten with that patient's identity (<see cref="StudyIdentityRewrite"/>), so it is
    /// listed among that patient's studies. The study's former record is removed when no other study uses it. Audited
    /// as <c>Study.Merged</c> with the identity before and after and the required reason.
    /// </summary>
    public async Task<StudyChangeResult> MergeAsync(string studyUid, PatientRecordId targetPatientRecord, string? reason, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        string why = (reason ?? "").Trim();
        if (why.Length == 0)
        {
            return StudyChangeResult.Invalid("reason", "A reason is required: it goes to the audit log.");
        }

        if (why.Length > PatientIdentityChange.ReasonMaxLength)
        {
            return StudyChangeResult.Invalid("reason", $"At most {PatientIdentityChange.ReasonMaxLength} characters.");
        }

        PatientRecordId? current = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid).Select(s => (PatientRecordId?)s.PatientRecordId).FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return StudyChangeResult.NotFound;
        }

        Patient? chosen = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Id == targetPatientRecord, cancellationToken);
        if (chosen is null)
        {
            return StudyChangeResult.Invalid("targetPatientId", "No patient with this id: it may have been merged or deleted meanwhile. Search again.");
        }

        if (current == targetPatientRecord)
        {
            return StudyChangeResult.Invalid("targetPatientId", "The study already belongs to this patient.");
        }

        var target = StoredPatientIdentity.Of(chosen);
        return await rewrite.RunAsync(studyUid, target, async (study, files, token) =>
        {
            Patient? to = await db.Patients.FirstOrDefaultAsync(p => p.Id == targetPatientRecord, token);
            if (to is null || !target.Matches(to))
            {
                return StudyChangeResult.Invalid("targetPatientId", "The chosen patient was changed or removed meanwhile. Search again.");
            }

            Patient from = study.Patient;
            var details = new
            {
                from = PatientIdentityChange.Snapshot(from),
                to = PatientIdentityChange.Snapshot(to),
                fromPatientRecord = from.Id.Value,
                toPatientRecord = to.Id.Value,
                storedFilesRewritten = files,
            };
            study.Patient = to;
            study.PatientRecordId = to.Id;
            if (!await db.Studies.AnyAsync(s => s.PatientRecordId == from.Id && s.Id != study.Id, token))
            {
                db.Patients.Remove(from);
            }

            db.AuditEntries.Add(Audit(caller, "Study.Merged", studyUid, JsonSerializer.Serialize(details), why));
            return null;
        }, cancellationToken);
    }

    /// <summary>
    /// <i>Mark as reviewed</i>: an uploaded study's <c>Uploaded</c> label is replaced by <c>Uploaded-Reviewed</c>
    /// (<see cref="DefaultLabels"/>), in one change with one audit entry (<c>Study.Reviewed</c>).
    /// </summary>
    public async Task<StudyChangeResult> MarkReviewedAsync(string studyUid, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Study? study = await db.Studies.Include(s => s.Labels).ThenInclude(l => l.Label).FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return StudyChangeResult.NotFound;
        }

        StudyLabel? uploaded = study.Labels.FirstOrDefault(l => l.Label.Name == DefaultLabels.Uploaded);
        if (uploaded is null)
        {
            return StudyChangeResult.Invalid("label", $"The study is not labelled {DefaultLabels.Uploaded}: there is nothing to mark as reviewed.");
        }

        study.Labels.Remove(uploaded);
        if (study.Labels.All(l => l.Label.Name != DefaultLabels.UploadedReviewed))
        {
            Label reviewed = await db.Labels.FirstOrDefaultAsync(l => l.Name == DefaultLabels.UploadedReviewed, cancellationToken)
                ?? db.Labels.Add(new Label { Name = DefaultLabels.UploadedReviewed }).Entity;
            study.Labels.Add(new StudyLabel { Study = study, Label = reviewed, AddedAt = clock.GetUtcNow().UtcDateTime, AddedBy = caller.User.Actor() });
        }

        db.AuditEntries.Add(Audit(caller, "Study.Reviewed", studyUid, JsonSerializer.Serialize(new { removed = DefaultLabels.Uploaded, added = DefaultLabels.UploadedReviewed })));
        await db.SaveChangesAsync(cancellationToken);
        return StudyChangeResult.Done;
    }

    /// <summary>
    /// Deletes the study: its index rows (series, instances, labels; the patient record when no other study uses
    /// it) and audit entry in one transaction, then the blobs no other instance points to. A crash between the two
    /// leaves unreferenced blobs, which the start-up sweep collects; never a row without its blob.
    /// </summary>
    public async Task<StudyChangeResult> DeleteAsync(string studyUid, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var study = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid)
            .Select(s => new { s.Id, s.PatientRecordId, s.Patient.PatientName, s.Patient.PatientId, s.StudyDate, s.Description, s.NumberOfSeries, s.NumberOfInstances })
            .FirstOrDefaultAsync(cancellationToken);
        if (study is null)
        {
            return StudyChangeResult.NotFound;
        }

        List<string> keys = await db.Instances.AsNoTracking().Where(i => i.Series.StudyId == study.Id).Select(i => i.BlobKey).Distinct().ToListAsync(cancellationToken);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.Instances.Where(i => i.Series.StudyId == study.Id).ExecuteDeleteAsync(cancellationToken);
            await db.Series.Where(s => s.StudyId == study.Id).ExecuteDeleteAsync(cancellationToken);
            await db.StudyLabels.Where(l => l.StudyId == study.Id).ExecuteDeleteAsync(cancellationToken);
            await db.Studies.Where(s => s.Id == study.Id).ExecuteDeleteAsync(cancellationToken);
            await db.Patients.Where(p => p.Id == study.PatientRecordId && !db.Studies.Any(s => s.PatientRecordId == p.Id)).ExecuteDeleteAsync(cancellationToken);
            db.AuditEntries.Add(Audit(caller, "Study.Deleted", studyUid, JsonSerializer.Serialize(new
            {
                patientName = study.PatientName,
                patientId = study.PatientId,
                studyDate = study.StudyDate,
                description = study.Description,
                series = study.NumberOfSeries,
                instances = study.NumberOfInstances,
            })));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        HashSet<string> stillUsed = [.. await db.Instances.AsNoTracking().Where(i => keys.Contains(i.BlobKey)).Select(i => i.BlobKey).Distinct().ToListAsync(cancellationToken)];
        foreach (string key in keys.Where(k => !stillUsed.Contains(k)))
        {
            // The index no longer points here: removing the blob cannot lose anything the index shows.
            await blobs.DeleteAsync(BlobKey.Parse(key), CancellationToken.None);
        }

        return StudyChangeResult.Done;
    }

    private Portico.Index.Audit.AuditEntry Audit(StudyCaller caller, string action, string studyUid, string details, string? reason = null) =>
        AuditRecords.Create(caller.User, caller.RemoteAddress, clock, action, studyUid, details, reason);
}
