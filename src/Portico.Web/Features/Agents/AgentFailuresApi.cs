using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.StressTests;
using Portico.Web.Security;

namespace Portico.Web.Features.Agents;

/// <summary>
/// Failed watch-folder agent uploads (<c>/api/agent-failures</c>): the agent reports each pair it moves to
/// <c>failed/</c>; staff see them in the upload indicator and ask for a retry; the agent polls for retries, moves the
/// files back into its watch folder and marks them resolved. All for <c>Studies.Upload</c>.
/// </summary>
public static class AgentFailuresApi
{
    /// <summary>At most this many unresolved failures are listed (the oldest beyond it wait their turn).</summary>
    public const int ListLimit = 200;

    public static IEndpointRouteBuilder MapAgentFailuresApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/agent-failures").WithTags("Agents").RequireAuthorization(Permissions.StudiesUpload);
        api.MapPost("/", ReportAsync).WithName("ReportAgentFailure")
            .WithSummary("The agent (API key) reports a pair it moved to failed/: folder (relative to its watch folder), files and the error.log text.");
        api.MapGet("/", ListAsync).WithName("ListAgentFailures").WithSummary("Unresolved agent failures of every agent, newest first (the upload indicator).");
        api.MapPost("/{id:guid}/retry", RetryAsync).WithName("RetryAgentFailure").WithSummary("Asks the agent to send a failed pair again (audited).");
        api.MapPost("/retry-all", RetryAllAsync).WithName("RetryAllAgentFailures").WithSummary("Retry All Failed: asks every agent to send its failed pairs again (audited).");
        api.MapGet("/retries", RetriesAsync).WithName("ListAgentRetries").WithSummary("The calling agent's failures a user asked to retry.");
        api.MapPost("/{id:guid}/resolved", ResolvedAsync).WithName("ResolveAgentFailure").WithSummary("The calling agent took the files back into its watch folder.");
        return app;
    }

    public sealed record ReportRequest(string? Folder, string[]? Files, string? Reason);

    public sealed record FailureDto(Guid Id, string AgentName, string Folder, string Files, string Reason, DateTime FailedAt, DateTime? RetryRequestedAt);

    public sealed record RetryDto(Guid Id, string Folder, string Files);

    private static async Task<Results<Created<FailureDto>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        ReportRequest request, ClaimsPrincipal user, PorticoDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (user.ApiKeyOf() is not { } key)
        {
            return TypedResults.Problem("Only the watch-folder agent (an API key) reports agent failures.", statusCode: StatusCodes.Status403Forbidden);
        }

        string folder = (request.Folder ?? "").Replace('\\', '/').Trim();
        string[] files = [.. (request.Files ?? []).Select(f => f.Trim()).Where(f => f.Length > 0)];
        var errors = new Dictionary<string, string[]>();
        if (!IsFailedFolder(folder))
        {
            errors["folder"] = ["The folder is the failed/<timestamp> folder relative to the watch folder."];
        }

        if (files.Length is 0 or > 10 || files.Any(f => f.Contains('/', StringComparison.Ordinal) || f.Contains('\\', StringComparison.Ordinal) || f.Length > 200))
        {
            errors["files"] = ["Name between one and ten files of the failed folder (names only, no paths)."];
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors["reason"] = ["Say why the pair failed (the error.log text)."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        string agent = await db.ApiKeys.Where(k => k.Id == key).Select(k => k.Name).SingleAsync(cancellationToken);
        var failure = new AgentFailure
        {
            ApiKeyId = key,
            AgentName = agent,
            Folder = folder,
            Files = string.Join(", ", files),
            Reason = request.Reason!.Trim() is { Length: > 8000 } longReason ? longReason[..8000] : request.Reason.Trim(),
            FailedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.AgentFailures.Add(failure);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/agent-failures/{failure.Id}", ToDto(failure));
    }

    private static async Task<Ok<FailureDto[]>> ListAsync(PorticoDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.AgentFailures.AsNoTracking().Where(f => f.ResolvedAt == null).OrderByDescending(f => f.FailedAt).Take(ListLimit)
            .Select(f => new FailureDto(f.Id.Value, f.AgentName, f.Folder, f.Files, f.Reason, f.FailedAt, f.RetryRequestedAt)).ToArrayAsync(cancellationToken));

    private static async Task<Results<NoContent, NotFound>> RetryAsync(Guid id, ClaimsPrincipal user, HttpContext context, PorticoDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        AgentFailure? failure = await db.AgentFailures.SingleOrDefaultAsync(f => f.Id == new AgentFailureId(id) && f.ResolvedAt == null, cancellationToken);
        if (failure is null)
        {
            return TypedResults.NotFound();
        }

        RequestRetry([failure], user, context, db, clock);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<int>> RetryAllAsync(ClaimsPrincipal user, HttpContext context, PorticoDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        List<AgentFailure> failures = await db.AgentFailures.Where(f => f.ResolvedAt == null && f.RetryRequestedAt == null).ToListAsync(cancellationToken);
        if (failures.Count > 0)
        {
            RequestRetry(failures, user, context, db, clock);
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(failures.Count);
    }

    private static void RequestRetry(List<AgentFailure> failures, ClaimsPrincipal user, HttpContext context, PorticoDbContext db, TimeProvider clock)
    {
        DateTime now = clock.GetUtcNow().UtcDateTime;
        foreach (AgentFailure failure in failures)
        {
            failure.RetryRequestedAt = now;
            failure.RetryRequestedBy = user.Actor();
            db.AuditEntries.Add(AuditRecords.Create(user, context, clock, "AgentFailure.RetryRequested", $"agent-failure:{failure.Id}", $"{failure.AgentName}: {failure.Folder} ({failure.Files})"));
        }
    }

    private static async Task<Results<Ok<RetryDto[]>, ProblemHttpResult>> RetriesAsync(ClaimsPrincipal user, PorticoDbContext db, CancellationToken cancellationToken)
    {
        if (user.ApiKeyOf() is not { } key)
        {
            return TypedResults.Problem("Only the watch-folder agent (an API key) asks for its retries.", statusCode: StatusCodes.Status403Forbidden);
        }

        return TypedResults.Ok(await db.AgentFailures.AsNoTracking().Where(f => f.ApiKeyId == key && f.ResolvedAt == null && f.RetryRequestedAt != null)
            .OrderBy(f => f.FailedAt).Select(f => new RetryDto(f.Id.Value, f.Folder, f.Files)).ToArrayAsync(cancellationToken));
    }

    private static async Task<Results<NoContent, NotFound>> ResolvedAsync(Guid id, ClaimsPrincipal user, PorticoDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        AgentFailure? failure = user.ApiKeyOf() is { } key
            ? await db.AgentFailures.SingleOrDefaultAsync(f => f.Id == new AgentFailureId(id) && f.ApiKeyId == key, cancellationToken)
            : null;
        if (failure is null)
        {
            return TypedResults.NotFound();
        }

        failure.ResolvedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary><c>failed/&lt;name&gt;</c>, one level, no traversal: the agent resolves it under its own watch folder.</summary>
    internal static bool IsFailedFolder(string folder) =>
        folder.StartsWith("failed/", StringComparison.Ordinal)
        && folder.Length is > 7 and <= 200
        && folder.AsSpan(7).IndexOfAny(['/', '\\']) < 0
        && folder[7..] is not ("." or "..");

    private static FailureDto ToDto(AgentFailure f) => new(f.Id.Value, f.AgentName, f.Folder, f.Files, f.Reason, f.FailedAt, f.RetryRequestedAt);
}
