using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Audit;

namespace Portico.Web.Features.Audit;

/// <summary>The audit log's filters: actor (contains), action (exact), target (contains), time range, paging.</summary>
public sealed record AuditFilter(
    string? Actor = null, string? Action = null, string? Target = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Page = 1, int PageSize = 50)
{
    public const int MaxPageSize = 500;

    /// <summary>Errors by parameter, or null when the filter is valid.</summary>
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Page < 1)
        {
            errors["page"] = ["The page starts at 1."];
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"The page size is between 1 and {MaxPageSize}."];
        }

        if (From is { } from && To is { } to && to < from)
        {
            errors["to"] = ["The end of the time range is after its start."];
        }

        return errors.Count > 0 ? errors : null;
    }
}

public sealed record AuditRow(
    Guid Id, DateTimeOffset At, string Actor, ActorKind ActorKind, string Action, string Target, string? Details, string? Reason, string? RemoteAddress);

public sealed record AuditPage(int Total, int Page, int PageSize, AuditRow[] Items);

/// <summary>Reading the audit log, newest first: one query for <c>GET /api/audit</c> and the Audit log page.</summary>
public static class AuditQuery
{
    public static async Task<AuditPage> ListAsync(PorticoDbContext db, AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        IQueryable<AuditEntry> query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            string actor = filter.Actor.Trim();
            query = query.Where(e => e.Actor.Contains(actor));
        }

        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            string action = filter.Action.Trim();
            query = query.Where(e => e.Action == action);
        }

        if (!string.IsNullOrWhiteSpace(filter.Target))
        {
            string target = filter.Target.Trim();
            query = query.Where(e => e.Target.Contains(target));
        }

        if (filter.From is { } from)
        {
            DateTime value = from.UtcDateTime;
            query = query.Where(e => e.At >= value);
        }

        if (filter.To is { } to)
        {
            DateTime value = to.UtcDateTime;
            query = query.Where(e => e.At < value);
        }

        int total = await query.CountAsync(cancellationToken);
        List<AuditEntry> rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(cancellationToken);
        return new AuditPage(total, filter.Page, filter.PageSize, [.. rows.Select(e => new AuditRow(
            e.Id.Value, new DateTimeOffset(DateTime.SpecifyKind(e.At, DateTimeKind.Utc)), e.Actor, e.ActorKind, e.Action, e.Target, e.Details, e.Reason, e.RemoteAddress))]);
    }

    /// <summary>Every action name in the log, sorted, for the action filter.</summary>
    public static async Task<string[]> ActionsAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        List<string> actions = await db.AuditEntries.AsNoTracking().Select(e => e.Action).Distinct().ToListAsync(cancellationToken);
        return [.. actions.Order(StringComparer.Ordinal)];
    }
}
