using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Index.UploadPortal;
using Portico.Web.Features.Uploads;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// tus at <c>/api/portal/uploads</c>: uploads belong to the caller's portal session and, once complete, wait there in
/// quarantine until the session is finished. Creation enforces the session's size limit and the attachment rules;
/// an attachment must turn out to be a PDF, JPEG or PNG.
/// </summary>
public sealed class PortalTusProfile : TusProfile
{
    public static PortalTusProfile Instance { get; } = new();

    /// <summary>Upload-Metadata <c>kind</c> values.</summary>
    public const string DicomKind = "dicom";
    public const string ZipKind = "zip";
    public const string AttachmentKind = "attachment";

    private const string HeldLock = "portico.portal.creation-lock";

    public override string BasePath => "/api/portal/uploads";

    public override string OwnerOf(HttpContext context) => Owner(PortalAuthenticationHandler.SessionIdOf(context.User));

    public static string Owner(Guid sessionId) => "portal:" + sessionId.ToString("N");

    public override IngestSource SourceOf(HttpContext context) =>
        PortalProcessor.SourceOf(PortalAuthenticationHandler.SessionIdOf(context.User), context.User.Identity?.Name ?? "", context.Connection.RemoteIpAddress?.ToString());

    public override async ValueTask<IResult?> CheckCreationAsync(HttpContext context, long length, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        string kind = metadata.GetValueOrDefault("kind") is { Length: > 0 } k ? k : DicomKind;
        if (kind is not (DicomKind or ZipKind or AttachmentKind))
        {
            return PortalProblems.Problem(StatusCodes.Status400BadRequest, "kind", "Upload-Metadata 'kind' is dicom, zip or attachment.");
        }

        string? studyUid = metadata.GetValueOrDefault("studyInstanceUid") is { Length: > 0 and <= 64 } uid ? uid.Trim() : null;
        if (kind == AttachmentKind && studyUid is null)
        {
            return PortalProblems.Problem(StatusCodes.Status422UnprocessableEntity, "unlinkedNonDicom", PortalRules.UnlinkedNonDicomMessage);
        }

        Guid sessionId = PortalAuthenticationHandler.SessionIdOf(context.User);
        PorticoDbContext db = context.RequestServices.GetRequiredService<PorticoDbContext>();
        if (await StateProblemAsync(db, sessionId, cancellationToken) is { } stateProblem)
        {
            return stateProblem;
        }

        // Held until the upload is remembered (CreatedAsync), so concurrent creations count each other.
        IDisposable held = await context.RequestServices.GetRequiredService<PortalSessionLocks>().EnterAsync(sessionId, cancellationToken);
        context.Response.RegisterForDispose(held);
        context.Items[HeldLock] = held;
        long maxBytes = await db.UploadPortalSettings.AsNoTracking().TheRow().Select(s => (long?)s.MaxSessionBytes).FirstOrDefaultAsync(cancellationToken) ?? new UploadPortalSettings().MaxSessionBytes;
        long taken = await db.PortalFiles.Where(f => f.SessionId == sessionId && f.Status != PortalFileStatus.Refused && f.Status != PortalFileStatus.Infected)
            .SumAsync(f => f.Length, cancellationToken);
        if (taken + length > maxBytes)
        {
            return PortalProblems.Problem(StatusCodes.Status413RequestEntityTooLarge, "totalSize", PortalRules.TotalSizeMessage);
        }

        if (kind == AttachmentKind)
        {
            int attached = await db.PortalFiles.CountAsync(
                f => f.SessionId == sessionId && f.Kind == AttachmentKind && f.StudyInstanceUid == studyUid && f.Status != PortalFileStatus.Refused && f.Status != PortalFileStatus.Infected,
                cancellationToken);
            if (attached >= PortalRules.MaxNonDicomFilesPerStudy)
            {
                return PortalProblems.Problem(StatusCodes.Status422UnprocessableEntity, "nonDicomPerStudy", PortalRules.NonDicomPerStudyMessage(attached));
            }
        }

        return null;
    }

    public override async ValueTask CreatedAsync(HttpContext context, UploadRecord record, CancellationToken cancellationToken)
    {
        PorticoDbContext db = context.RequestServices.GetRequiredService<PorticoDbContext>();
        string kind = record.Metadata.GetValueOrDefault("kind") is { Length: > 0 } k ? k : DicomKind;
        db.PortalFiles.Add(new PortalFile
        {
            SessionId = PortalAuthenticationHandler.SessionIdOf(context.User),
            UploadId = record.Id,
            Kind = kind,
            StudyInstanceUid = kind == AttachmentKind ? record.Metadata.GetValueOrDefault("studyInstanceUid")?.Trim() : null,
            FileName = IndexLimits.Fit(record.FileName, IndexLimits.PathMaxLength),
            Length = record.Length,
            Status = PortalFileStatus.Receiving,
            CreatedAt = record.CreatedAt,
        });
        await db.SaveChangesAsync(cancellationToken);
        if (context.Items[HeldLock] is IDisposable held)
        {
            held.Dispose();
        }
    }

    public override async ValueTask<IResult?> CheckChangeAsync(HttpContext context, UploadRecord record, CancellationToken cancellationToken) =>
        await StateProblemAsync(context.RequestServices.GetRequiredService<PorticoDbContext>(), PortalAuthenticationHandler.SessionIdOf(context.User), cancellationToken);

    public override async ValueTask<IResult?> CompletedAsync(HttpContext context, UploadRecord record, UploadStore store, CancellationToken cancellationToken)
    {
        PorticoDbContext db = context.RequestServices.GetRequiredService<PorticoDbContext>();
        PortalFile? file = await db.PortalFiles.FirstOrDefaultAsync(f => f.UploadId == record.Id, cancellationToken);
        if (file is not null && file.Kind == AttachmentKind && await FileSignatures.DetectAsync(store.DataPath(record.Id), cancellationToken) is null)
        {
            store.Delete(record.Id);
            file.Status = PortalFileStatus.Refused;
            file.Reason = PortalRules.AttachmentTypeMessage;
            await db.SaveChangesAsync(cancellationToken);
            return PortalProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "attachmentType", PortalRules.AttachmentTypeMessage);
        }

        record.State = UploadState.Received;
        await store.SaveAsync(record, cancellationToken);
        if (file is not null)
        {
            file.Status = PortalFileStatus.Received;
            await db.SaveChangesAsync(cancellationToken);
        }

        return null;
    }

    public override async ValueTask TerminatedAsync(HttpContext context, UploadRecord record, CancellationToken cancellationToken)
    {
        PorticoDbContext db = context.RequestServices.GetRequiredService<PorticoDbContext>();
        await db.PortalFiles.Where(f => f.UploadId == record.Id).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Files are sent only while the session is uploading (after the manifest, before finish or cancel).</summary>
    private static async Task<ProblemHttpResult?> StateProblemAsync(PorticoDbContext db, Guid sessionId, CancellationToken cancellationToken)
    {
        PortalSessionState state = await db.PortalSessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => s.State).FirstAsync(cancellationToken);
        return state switch
        {
            PortalSessionState.Uploading => null,
            PortalSessionState.Open => PortalProblems.Problem(StatusCodes.Status409Conflict, "state", PortalRules.ConsentMessage),
            _ => PortalProblems.Problem(StatusCodes.Status409Conflict, "state", "This upload has already been sent; no more files can be added to it."),
        };
    }

}
