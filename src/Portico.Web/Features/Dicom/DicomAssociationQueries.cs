using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Dicom;
using static Portico.Web.Features.Dicom.DicomAssociationsApi;

namespace Portico.Web.Features.Dicom;

/// <summary>The association log's filters and paging (<c>GET /api/dicom/associations</c> and the identity page).</summary>
public sealed record AssociationFilter(
    string? Result = null, string? CallingAETitle = null, Guid? IdentityId = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int Page = 1, int PageSize = 50)
{
    /// <summary>Errors by parameter, or null when the filter is valid.</summary>
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (ResultFilter is not ("all" or "accepted" or "refused"))
        {
            errors["result"] = ["The result is accepted, refused or all."];
        }

        if (Page < 1)
        {
            errors["page"] = ["The page starts at 1."];
        }

        if (PageSize is < 1 or > 500)
        {
            errors["pageSize"] = ["The page size is between 1 and 500."];
        }

        return errors.Count > 0 ? errors : null;
    }

    internal string ResultFilter => (Result ?? "all").ToLowerInvariant();
}

/// <summary>
/// Reading the association log: one page of it, and the troubleshooting list (refused callers grouped by calling AE
/// title). Shared by <see cref="DicomAssociationsApi"/> and the Settings &gt; Devices &gt; DICOM pages.
/// </summary>
public static class DicomAssociationQueries
{
    /// <summary>One page of the log, newest first, for a valid <paramref name="filter"/>.</summary>
    public static async Task<AssociationPage> ListAsync(PorticoDbContext db, AssociationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        IQueryable<DicomAssociationLogEntry> query = db.DicomAssociationLog.AsNoTracking();
        query = filter.ResultFilter switch
        {
            "accepted" => query.Where(e => e.Accepted),
            "refused" => query.Where(e => !e.Accepted),
            _ => query,
        };
        if (!string.IsNullOrEmpty(filter.CallingAETitle))
        {
            query = query.Where(e => e.CallingAETitle == filter.CallingAETitle);
        }

        if (filter.IdentityId is { } id)
        {
            var identity = new DicomIdentityId(id);
            query = query.Where(e => e.IdentityId == identity);
        }

        if (filter.From is { } start)
        {
            DateTime value = start.UtcDateTime;
            query = query.Where(e => e.StartedAt >= value);
        }

        if (filter.To is { } end)
        {
            DateTime value = end.UtcDateTime;
            query = query.Where(e => e.StartedAt < value);
        }

        int total = await query.CountAsync(cancellationToken);
        List<DicomAssociationLogEntry> rows = await query.OrderByDescending(e => e.StartedAt).ThenByDescending(e => e.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(cancellationToken);
        return new AssociationPage(total, filter.Page, filter.PageSize, [.. rows.Select(ToRow)]);
    }

    /// <summary>Callers refused since <paramref name="since"/>, grouped by calling AE title, the most recent first.</summary>
    public static async Task<RefusedCaller[]> RefusedCallersAsync(PorticoDbContext db, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        DateTime from = since.UtcDateTime;
        List<DicomAssociationLogEntry> refused = await db.DicomAssociationLog.AsNoTracking()
            .Where(e => !e.Accepted && e.StartedAt >= from)
            .OrderByDescending(e => e.StartedAt)
            .Take(TroubleshootingScanLimit)
            .ToListAsync(cancellationToken);
        string[] callers = [.. refused.Where(e => e.CallingAETitle is not null).Select(e => e.CallingAETitle!).Distinct(StringComparer.Ordinal)];
        var identities = await db.DicomIdentities.AsNoTracking().Where(i => callers.Contains(i.AETitle))
            .Select(i => new { i.Id, i.Name, i.AETitle, i.Enabled })
            .ToListAsync(cancellationToken);
        var byAETitle = identities.ToDictionary(i => i.AETitle, StringComparer.Ordinal);

        // Grouped here, not in SQL: "the last row of each group" is not portable, and the scan is bounded.
        return [.. refused
            .GroupBy(e => e.CallingAETitle ?? "", StringComparer.Ordinal)
            .Select(g =>
            {
                DicomAssociationLogEntry last = g.First();
                var identity = last.CallingAETitle is { } ae && byAETitle.TryGetValue(ae, out var found) ? found : null;
                return new RefusedCaller(
                    last.CallingAETitle, g.Count(), Utc(g.Last().StartedAt), Utc(last.StartedAt), last.Detail, last.RejectReason, last.RemoteAddress,
                    last.CalledAETitle, last.TlsMode, identity is not null, identity?.Id.Value, identity?.Name, identity?.Enabled);
            })
            .OrderByDescending(g => g.LastSeenAt)];
    }

    private static AssociationRow ToRow(DicomAssociationLogEntry e) => new(
        e.Id.Value, Utc(e.StartedAt), e.DurationMilliseconds, e.CallingAETitle, e.CalledAETitle, e.RemoteAddress, e.LocalPort, e.TlsMode, e.Outcome,
        e.Accepted, e.RejectResult, e.RejectSource, e.RejectReason, e.Detail, e.IdentityId?.Value, e.EchoCount, e.StoreCount, e.StoreFailedCount,
        e.FindCount, e.MoveCount, e.GetCount, e.BytesReceived, e.BytesSent);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
