using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Index.UploadPortal;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// The upload record of a study (the study page's "Uploaded study information") and its attachments, read in one
/// place for the page and the API.
/// </summary>
public static class UploadRecords
{
    /// <summary>A non-DICOM file kept with a study, opened in the browser at <see cref="Url"/>.</summary>
    public sealed record Attachment(Guid Id, string FileName, string ContentType, long SizeBytes, DateTimeOffset CreatedAt, string Url);

    /// <param name="ByUploadCode">True for the Upload Portal, false for a signed-in user's upload.</param>
    /// <param name="By">The code's last characters (<c>…ABCD</c>) or the user's e-mail.</param>
    /// <param name="OriginalPatientId">Only for users allowed to see it (<c>Studies.ChangePatientIdentity</c>).</param>
    public sealed record UploadRecord(
        bool ByUploadCode,
        string By,
        DateTimeOffset At,
        string? Email,
        string? Phone,
        string? Comment,
        int DicomFiles,
        int NonDicomFiles,
        IReadOnlyList<Attachment> Attachments,
        string? OriginalPatientId,
        string? OriginalAccessionNumber)
    {
        /// <summary>Who brought the study in and when, as the study page and the viewer say it.</summary>
        public string Summary => (ByUploadCode ? $"Uploaded with upload code {By}" : $"Uploaded by {By}") + $" on {Portico.Web.Features.Studies.DisplayFormats.Instant(At)}";

        /// <summary>Prints no patient data or contact details.</summary>
        public override string ToString() => $"UploadRecord {{ ByUploadCode = {ByUploadCode}, At = {At:O} }}";
    }

    /// <summary>
    /// The study's upload record: the latest portal session that stored it, else (for a study a user uploaded) who and
    /// when; null for studies from devices, scripts or imports.
    /// </summary>
    public static async Task<UploadRecord?> FindAsync(PorticoDbContext db, string studyUid, bool showOriginalIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var study = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid)
            .Select(s => new { s.SourceKind, s.SourceName, s.ReceivedAt, s.NumberOfInstances }).FirstOrDefaultAsync(cancellationToken);
        if (study is null)
        {
            return null;
        }

        IReadOnlyList<Attachment> attachments = await AttachmentsAsync(db, studyUid, cancellationToken);
        var portal = await db.PortalStudies.AsNoTracking()
            .Where(p => p.StudyInstanceUid == studyUid && p.NewAccessionNumber != null)
            .Join(db.PortalSessions.AsNoTracking(), p => p.SessionId, s => s.Id, (p, s) => new { Study = p, Session = s })
            .OrderByDescending(x => x.Session.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (portal is not null)
        {
            PortalSession s = portal.Session;
            PortalStudy p = portal.Study;
            return new UploadRecord(
                true,
                "…" + s.CodeHint,
                new DateTimeOffset(s.FinishedAt ?? s.CreatedAt, TimeSpan.Zero),
                s.Email,
                s.Phone,
                p.Comment,
                s.State == PortalSessionState.Completed ? p.DicomFiles : study.NumberOfInstances,
                attachments.Count,
                attachments,
                showOriginalIds ? p.OriginalPatientId : null,
                showOriginalIds ? p.OriginalAccessionNumber : null);
        }

        if (study.SourceKind != IngestSourceKind.User)
        {
            return null;
        }

        return new UploadRecord(false, study.SourceName ?? "a user", new DateTimeOffset(study.ReceivedAt, TimeSpan.Zero), null, null, null,
            study.NumberOfInstances, attachments.Count, attachments, null, null);
    }

    public static async Task<IReadOnlyList<Attachment>> AttachmentsAsync(PorticoDbContext db, string studyUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.PortalAttachments.AsNoTracking().Where(a => a.StudyInstanceUid == studyUid)
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.FileName)
            .Select(a => new { a.Id, a.FileName, a.ContentType, a.SizeBytes, a.CreatedAt })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(a => new Attachment(a.Id, a.FileName, a.ContentType, a.SizeBytes, new DateTimeOffset(a.CreatedAt, TimeSpan.Zero),
            $"/api/studies/{Uri.EscapeDataString(studyUid)}/attachments/{a.Id}"))];
    }
}
