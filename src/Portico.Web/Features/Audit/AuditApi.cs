using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Index;
using Portico.Index.Access;

namespace Portico.Web.Features.Audit;

/// <summary><c>GET /api/audit</c>: the audit log, newest first, with the Audit log page's filters. Needs <c>Audit.View</c>.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Permissions.AuditView);
        api.MapGet("/", ListAsync).WithName("ListAuditEntries")
            .WithSummary("Audited actions, newest first: filter by actor (contains), action (exact), target (contains) and time range [from, to).");
        api.MapGet("/actions", async (PorticoDbContext db, CancellationToken ct) => TypedResults.Ok(await AuditQuery.ActionsAsync(db, ct)))
            .WithName("ListAuditActions").WithSummary("The distinct action names in the audit log.");
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync(
        PorticoDbContext db, CancellationToken cancellationToken,
        string? actor = null, string? action = null, string? target = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1, int pageSize = 50)
    {
        var filter = new AuditFilter(actor, action, target, from, to, page, pageSize);
        return filter.Validate() is { } errors
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await AuditQuery.ListAsync(db, filter, cancellationToken));
    }
}
