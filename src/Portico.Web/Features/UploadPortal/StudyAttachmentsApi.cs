using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Portico.Index;
using Portico.Index.Access;
using Portico.Storage;

namespace Portico.Web.Features.UploadPortal;

/// <summary>A study's non-DICOM files (PDF, JPEG, PNG from the Upload Portal), for staff with <c>Studies.View</c>.</summary>
public static class StudyAttachmentsApi
{
    public static IEndpointRouteBuilder MapStudyAttachmentsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/studies/{studyUid}/attachments").WithTags("Studies").RequireAuthorization(Permissions.StudiesView);
        api.MapGet("/", ListAsync).WithName("ListStudyAttachments").WithSummary("The study's non-DICOM files (PDF, JPEG, PNG), oldest first.");
        api.MapGet("/{id:guid}", OpenAsync).WithName("GetStudyAttachment").WithSummary("One non-DICOM file, shown in the browser (Content-Disposition: inline).");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<UploadRecords.Attachment>>, NotFound>> ListAsync(string studyUid, PorticoDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Studies.AnyAsync(s => s.StudyInstanceUid == studyUid, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await UploadRecords.AttachmentsAsync(db, studyUid, cancellationToken));
    }

    private static async Task<IResult> OpenAsync(string studyUid, Guid id, PorticoDbContext db, IBlobStore blobs, HttpContext context, CancellationToken cancellationToken)
    {
        var row = await db.PortalAttachments.AsNoTracking().Where(a => a.Id == id && a.StudyInstanceUid == studyUid)
            .Select(a => new { a.BlobKey, a.FileName }).FirstOrDefaultAsync(cancellationToken);
        if (row is null || !BlobKey.TryParse(row.BlobKey, out BlobKey key) || !blobs.Exists(key))
        {
            return TypedResults.NotFound();
        }

        Stream content = blobs.OpenRead(key);
        byte[] head = new byte[8];
        int n = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        content.Dispose();
        string type = FileSignatures.Detect(head.AsSpan(0, n)) ?? "application/octet-stream";
        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(row.FileName);
        context.Response.Headers.ContentDisposition = disposition.ToString();
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(blobs.OpenRead(key), type);
    }
}
