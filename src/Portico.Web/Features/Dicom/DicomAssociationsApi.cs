using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Dicom;

namespace Portico.Web.Features.Dicom;

/// <summary>
/// <c>/api/dicom</c>: the association log, the troubleshooting list (refused callers, to register a device from) and
/// the public certificate of Portico's DICOM certificate authority.
/// </summary>
public static class DicomAssociationsApi
{
    /// <summary>How far back the troubleshooting list looks by default.</summary>
    public static readonly TimeSpan TroubleshootingWindow = TimeSpan.FromDays(7);

    /// <summary>Refused associations the troubleshooting list groups at most (the newest).</summary>
    public const int TroubleshootingScanLimit = 5000;

    public static IEndpointRouteBuilder MapDicomAssociationsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/dicom").WithTags("DICOM Identities");
        api.MapGet("/associations", ListAsync).RequireAuthorization(Permissions.IntegrationsDicom)
            .WithName("ListDicomAssociations").WithSummary("The association log, newest first: accepted and refused, with the reason.");
        api.MapGet("/troubleshooting", TroubleshootingAsync).RequireAuthorization(Permissions.IntegrationsDicom)
            .WithName("DicomTroubleshooting").WithSummary("Recently refused callers grouped by calling AE title, with the last reason and whether an identity exists.");
        // Public on purpose: devices and their installers need the CA certificate to trust Portico's TLS port, and a
        // certificate is public by nature (the key never leaves the server).
        api.MapGet("/ca.pem", (DicomCertificateAuthority authority) => TypedResults.Text(authority.GetCertificateAuthorityPem(), "application/x-pem-file"))
            .AllowAnonymous().WithName("GetDicomCaCertificate").WithSummary("Portico's DICOM certificate authority (PEM), for devices to trust the TLS port.");
        return app;
    }

    public sealed record AssociationPage(int Total, int Page, int PageSize, AssociationRow[] Items);

    public sealed record AssociationRow(
        Guid Id,
        DateTimeOffset StartedAt,
        long DurationMs,
        string? CallingAETitle,
        string? CalledAETitle,
        string? RemoteAddress,
        int LocalPort,
        string TlsMode,
        string Outcome,
        bool Accepted,
        string? RejectResult,
        string? RejectSource,
        string? RejectReason,
        string? Reason,
        Guid? IdentityId,
        int EchoCount,
        int StoreCount,
        int StoreFailedCount,
        int FindCount,
        int MoveCount,
        int GetCount,
        long BytesReceived,
        long BytesSent);

    /// <summary>One refused caller: what to register (or fix) to let it in.</summary>
    public sealed record RefusedCaller(
        string? CallingAETitle,
        int Count,
        DateTimeOffset FirstSeenAt,
        DateTimeOffset LastSeenAt,
        string? LastReason,
        string? LastRejectReason,
        string? LastRemoteAddress,
        string? LastCalledAETitle,
        string LastTlsMode,
        bool IdentityExists,
        Guid? IdentityId,
        string? IdentityName,
        bool? IdentityEnabled);

    private static async Task<Results<Ok<AssociationPage>, ValidationProblem>> ListAsync(
        PorticoDbContext db, CancellationToken cancellationToken,
        string? result = null, string? callingAeTitle = null, Guid? identityId = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>();
        string filter = (result ?? "all").ToLowerInvariant();
        if (filter is not ("all" or "accepted" or "refused"))
        {
            errors["result"] = ["The result is accepted, refused or all."];
        }

        if (page < 1)
        {
            errors["page"] = ["The page starts at 1."];
        }

        if (pageSize is < 1 or > 500)
        {
            errors["pageSize"] = ["The page size is between 1 and 500."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        IQueryable<DicomAssociationLogEntry> query = db.DicomAssociationLog.AsNoTracking();
        query = filter switch
        {
            "accepted" => query.Where(e => e.Accepted),
            "refused" => query.Where(e => !e.Accepted),
            _ => query,
        };
        if (!string.IsNullOrEmpty(callingAeTitle))
        {
            query = query.Where(e => e.CallingAETitle == callingAeTitle);
        }

        if (identityId is { } id)
        {
            var identity = new DicomIdentityId(id);
            query = query.Where(e => e.IdentityId == identity);
        }

        if (from is { } start)
        {
            DateTime value = start.UtcDateTime;
            query = query.Where(e => e.StartedAt >= value);
        }

        if (to is { } end)
        {
            DateTime value = end.UtcDateTime;
            query = query.Where(e => e.StartedAt < value);
        }

        int total = await query.CountAsync(cancellationToken);
        List<DicomAssociationLogEntry> rows = await query.OrderByDescending(e => e.StartedAt).ThenByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new AssociationPage(total, page, pageSize, [.. rows.Select(ToRow)]));
    }

    private static async Task<Results<Ok<RefusedCaller[]>, ValidationProblem>> TroubleshootingAsync(
        PorticoDbContext db, TimeProvider clock, CancellationToken cancellationToken, DateTimeOffset? since = null)
    {
        DateTime from = (since ?? clock.GetUtcNow() - TroubleshootingWindow).UtcDateTime;
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
        RefusedCaller[] groups = [.. refused
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
        return TypedResults.Ok(groups);
    }

    private static AssociationRow ToRow(DicomAssociationLogEntry e) => new(
        e.Id.Value, Utc(e.StartedAt), e.DurationMilliseconds, e.CallingAETitle, e.CalledAETitle, e.RemoteAddress, e.LocalPort, e.TlsMode, e.Outcome,
        e.Accepted, e.RejectResult, e.RejectSource, e.RejectReason, e.Detail, e.IdentityId?.Value, e.EchoCount, e.StoreCount, e.StoreFailedCount,
        e.FindCount, e.MoveCount, e.GetCount, e.BytesReceived, e.BytesSent);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
