using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Dicom;
using Portico.Web.Features.Studies;
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
        StudyTransfers transfers,
        CancellationToken cancellationToken)
    {
        TransferStart start = await transfers.StartAsync(studyUid, request.IdentityId, new StudyCaller(user, context.Connection.RemoteIpAddress?.ToString()), cancellationToken);
        if (!start.StudyFound)
        {
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails { Title = "Study not found", Status = 404, Detail = start.Error });
        }

        if (start.Job is not { } job)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["identityId"] = [start.Error!] });
        }

        return TypedResults.Accepted($"/api/transfers/{job.Id}", job.Snapshot(withInstances: false));
    }

    private static Ok<TransferJobSnapshot[]> List(TransferQueue queue, string? studyUid = null) =>
        TypedResults.Ok(queue.All.Where(j => studyUid is null || j.StudyInstanceUid == studyUid).Select(j => j.Snapshot(withInstances: false)).ToArray());

    private static Results<Ok<TransferJobSnapshot>, NotFound> Get(Guid id, TransferQueue queue) =>
        queue.Find(id) is { } job ? TypedResults.Ok(job.Snapshot(withInstances: true)) : TypedResults.NotFound();
}
