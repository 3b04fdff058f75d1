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
/// patient identity and deletion. Each writes its audit entry in the same transaction as the change.
/// </summary>
public sealed class StudyEditor(PorticoDbContext db, IBlobStore blobs, TimeProvider clock)
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
    /// Gives the study a new patient identity in the index. The study moves to the patient record that already has
    /// exactly this identity (same ID, issuer, name, birth date, sex); if there is none, the study's own record is
    /// corrected when no other study shares it, else a new record is created. A record left without studies is
    /// removed. The audit entry holds the old and new values and the reason. The stored DICOM files keep the
    /// identity they arrived with.
    /// </summary>
    public async Task<StudyChangeResult> ChangePatientAsync(string studyUid, PatientIdentityChange change, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(caller);
        if (change.Validate() is { } errors)
        {
            return new StudyChangeResult(StudyChangeOutcome.Invalid, errors);
        }

        Study? study = await db.Studies.Include(s => s.Patient).FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return StudyChangeResult.NotFound;
        }

        Patient old = study.Patient;
        var before = PatientIdentityChange.Snapshot(old);
        string name = change.Name.ToDicom();
        string patientId = change.PatientId.Trim();
        string sex = change.NormalizedSex;
        if (old.PatientName == name && old.PatientId == patientId && old.BirthDate == change.BirthDate && old.Sex == sex)
        {
            return StudyChangeResult.Done;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        Patient? match = await db.Patients.FirstOrDefaultAsync(
            p => p.Id != old.Id && p.PatientId == patientId && p.IssuerOfPatientId == old.IssuerOfPatientId && p.PatientName == name
                 && p.BirthDate == change.BirthDate && p.Sex == sex,
            cancellationToken);
        bool shared = await db.Studies.AnyAsync(s => s.PatientRecordId == old.Id && s.Id != study.Id, cancellationToken);
        string record;
        if (match is not null)
        {
            study.Patient = match;
            study.PatientRecordId = match.Id;
            record = "moved";
        }
        else if (!shared)
        {
            old.PatientName = name;
            old.PatientId = patientId;
            old.BirthDate = change.BirthDate;
            old.Sex = sex;
            record = "updated";
        }
        else
        {
            var created = new Patient { PatientName = name, PatientId = patientId, IssuerOfPatientId = old.IssuerOfPatientId, BirthDate = change.BirthDate, Sex = sex };
            db.Patients.Add(created);
            study.Patient = created;
            study.PatientRecordId = created.Id;
            record = "created";
        }

        if (match is not null && !shared)
        {
            db.Patients.Remove(old);
        }

        var details = new { from = before, to = new { patientName = name, patientId, issuerOfPatientId = old.IssuerOfPatientId, birthDate = change.BirthDate, sex }, patientRecord = record };
        db.AuditEntries.Add(Audit(caller, "Study.PatientIdentityChanged", studyUid, JsonSerializer.Serialize(details), change.Reason.Trim()));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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
