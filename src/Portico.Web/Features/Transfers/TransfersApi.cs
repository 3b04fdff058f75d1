using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Dicom;
using Portico.Web.Features.DicomNetwork;
using Portico.Web.Security;

namespace Portico.Web.Features.Transfers;

/// <summary>
/// DICOM transfer of a study to another PACS (the Upload Portal manual's "DICOM transfer"): <c>POST
/// /api/studies/{studyUid}/send</c> starts a job; <c>/api/transfers</c> shows jobs with their progress and results.
/// </summary>
public static class TransfersApi
{
    public static IEndpointRouteBuilder MapTransfersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/studies/{studyUid}/send", SendAsync).WithTags("Studies").RequireAuthorization(Permissions.StudiesTransfer)
            .WithName("SendStudy").WithSummary("Sends the study to a DICOM Identity with host and port (C-STORE); answers the job, which retries with backoff (audited).");
        RouteGroupBuilder api = app.MapGroup("/api/transfers").WithTags("Transfers");
        api.MapGet("/", List).RequireAuthorization(Permissions.StudiesTransfer)
            .WithName("ListTransfers").WithSummary("Transfer jobs, newest first; optionally those of one study.");
        api.MapGet("/{id:guid}", Get).RequireAuthorization(Permissions.StudiesTransfer)
            .WithName("GetTransfer").WithSummary("One transfer job with the destination's answer for each instance.");
        return app;
    }

    public sealed record SendRequest(Guid IdentityId);

    private static async Task<Results<Accepted<TransferJobSnapshot>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ValidationProblem>> SendAsync(
        string studyUid,
        SendRequest request,
        ClaimsPrincipal user,
        HttpContext context,
        PorticoDbContext db,
        DicomSender sender,
        TransferQueue queue,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!await db.Studies.AnyAsync(s => s.StudyInstanceUid == studyUid, cancellationToken))
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails { Title = "Study not found", Status = 404, Detail = $"No study with Study Instance UID {studyUid}." });
        }

        DicomIdentityTarget? destination = await sender.FindDestinationAsync(request.IdentityId, cancellationToken);
        if (destination is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["identityId"] = ["No DICOM Identity with this id has a host and port to send to."],
            });
        }

        // Disabling an identity stops Portico talking to it both ways (the echo test excepted, to try it before enabling).
        if (!await db.DicomIdentities.AnyAsync(i => i.Id == new DicomIdentityId(request.IdentityId) && i.Enabled, cancellationToken))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["identityId"] = [$"DICOM Identity '{destination.Name}' is disabled: enable it to send to it."],
            });
        }

        TransferJob job = queue.Enqueue(studyUid, destination, user.Actor());
        db.AuditEntries.Add(AuditRecords.Create(user, context, clock, "Study.Transfer", "study/" + studyUid,
            JsonSerializer.Serialize(new { job = job.Id, destination = destination.ToString(), identityId = destination.IdentityId })));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted($"/api/transfers/{job.Id}", job.Snapshot(withInstances: false));
    }

    private static Ok<TransferJobSnapshot[]> List(TransferQueue queue, string? studyUid = null) =>
        TypedResults.Ok(queue.All.Where(j => studyUid is null || j.StudyInstanceUid == studyUid).Select(j => j.Snapshot(withInstances: false)).ToArray());

    private static Results<Ok<TransferJobSnapshot>, NotFound> Get(Guid id, TransferQueue queue) =>
        queue.Find(id) is { } job ? TypedResults.Ok(job.Snapshot(withInstances: true)) : TypedResults.NotFound();
}
