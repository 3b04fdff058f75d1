using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Web.Features.Uploads;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// The portal session's own endpoints (<c>/api/portal/...</c>), for the holder of a portal cookie only: the session,
/// the manifest and its rules, tus uploads into quarantine, finish, status and cancel.
/// </summary>
public static class PortalSessionApi
{
    public static IEndpointRouteBuilder MapPortalSessionApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder portal = app.MapGroup("/api/portal").WithTags("Upload Portal").RequireAuthorization(PortalAuthenticationHandler.Policy);
        portal.MapGet("/session", GetAsync).WithName("GetPortalSession")
            .WithSummary("Portal: the institution's details, texts, limits and the session's state.");
        portal.MapDelete("/session", CancelAsync).WithName("CancelPortalSession")
            .WithSummary("Portal: CANCEL UPLOAD. Discards every file of the session (nothing is ingested) and ends it. Audited.");
        portal.MapPost("/session/manifest", ManifestAsync).WithName("PostPortalManifest")
            .WithSummary("Portal: what is about to be uploaded; every portal rule is checked (422 with the message as detail and the rule's name). Starts the upload. Audited.");
        portal.MapPost("/session/finish", FinishAsync).WithName("FinishPortalSession")
            .WithSummary("Portal: every file is sent; the server scans, then stores them in the background (see status). Audited.");
        portal.MapGet("/session/status", StatusAsync).WithName("GetPortalSessionStatus")
            .WithSummary("Portal: the session's state and each file's outcome (Pending, Stored, Duplicate, Refused, Infected) with the reason.");
        portal.MapGroup("/uploads").MapTus(PortalTusProfile.Instance, "PortalUpload");
        return app;
    }

    private static async Task<Results<Ok<PortalSessionService.Info>, NotFound>> GetAsync(HttpContext context, PortalSessionService sessions, CancellationToken cancellationToken) =>
        await sessions.InfoAsync(PortalAuthenticationHandler.SessionIdOf(context.User), cancellationToken) is { } info ? TypedResults.Ok(info) : TypedResults.NotFound();

    private static async Task<Results<Ok<PortalSessionService.Info>, ProblemHttpResult>> ManifestAsync(
        PortalRules.Manifest manifest, HttpContext context, PortalSessionService sessions, CancellationToken cancellationToken)
    {
        Guid id = PortalAuthenticationHandler.SessionIdOf(context.User);
        if (await sessions.AcceptManifestAsync(id, manifest, Address(context), cancellationToken) is { } violation)
        {
            return PortalProblems.Of(violation);
        }

        return TypedResults.Ok((await sessions.InfoAsync(id, cancellationToken))!);
    }

    private static async Task<Results<Ok<PortalSessionService.Status>, ProblemHttpResult>> FinishAsync(HttpContext context, PortalSessionService sessions, CancellationToken cancellationToken)
    {
        Guid id = PortalAuthenticationHandler.SessionIdOf(context.User);
        if (await sessions.FinishAsync(id, Address(context), cancellationToken) is { } refused)
        {
            return PortalProblems.Problem(StatusCodes.Status409Conflict, "state", refused);
        }

        return TypedResults.Ok(await sessions.StatusAsync(id, cancellationToken));
    }

    private static async Task<Ok<PortalSessionService.Status>> StatusAsync(HttpContext context, PortalSessionService sessions, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sessions.StatusAsync(PortalAuthenticationHandler.SessionIdOf(context.User), cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> CancelAsync(HttpContext context, PortalSessionService sessions, CancellationToken cancellationToken)
    {
        if (await sessions.CancelAsync(PortalAuthenticationHandler.SessionIdOf(context.User), Address(context), cancellationToken) is { } refused)
        {
            return PortalProblems.Problem(StatusCodes.Status409Conflict, "state", refused);
        }

        PortalAuthenticationHandler.ClearCookie(context);
        return TypedResults.NoContent();
    }

    private static string? Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
