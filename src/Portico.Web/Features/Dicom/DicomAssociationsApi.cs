using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;

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
        var filter = new AssociationFilter(result, callingAeTitle, identityId, from, to, page, pageSize);
        return filter.Validate() is { } errors
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await DicomAssociationQueries.ListAsync(db, filter, cancellationToken));
    }

    private static async Task<Ok<RefusedCaller[]>> TroubleshootingAsync(
        PorticoDbContext db, TimeProvider clock, CancellationToken cancellationToken, DateTimeOffset? since = null) =>
        TypedResults.Ok(await DicomAssociationQueries.RefusedCallersAsync(db, since ?? clock.GetUtcNow() - TroubleshootingWindow, cancellationToken));
}
