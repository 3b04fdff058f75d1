using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Index.Access;
using Portico.Index.Scanning;
using Portico.Web.Features.Users;

namespace Portico.Web.Features.Scanning;

/// <summary>Quarantined files (<c>/api/quarantine</c>), for <c>UploadPortal.Manage</c>: the list and deletion.</summary>
public static class QuarantineApi
{
    public static IEndpointRouteBuilder MapQuarantineApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/quarantine").WithTags("Quarantine").RequireAuthorization(Permissions.UploadPortalManage);
        api.MapGet("/", ListAsync).WithName("ListQuarantinedFiles")
            .WithSummary("Uploaded files in which malware was found, newest first: time, file name, ZIP entry, signature, size, SHA-256 and who brought it.");
        api.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteQuarantinedFile")
            .WithSummary("Deletes a quarantined file for good (audited).");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<QuarantineService.QuarantineRow>>> ListAsync(QuarantineService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(cancellationToken));

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, QuarantineService service, HttpContext context, CancellationToken cancellationToken) =>
        await service.DeleteAsync(new QuarantinedFileId(id), ActingUser.From(context), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
}
