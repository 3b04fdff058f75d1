using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Index.Access;

namespace Portico.Web.Features.Dicom;

/// <summary>
/// <c>/api/dicom-identities</c>: Settings &gt; Devices &gt; DICOM. Every endpoint needs <c>Integrations.Dicom</c>; every
/// change is audited in the same transaction and refreshes <see cref="IdentityAssociationPolicy"/>.
/// </summary>
public static class DicomIdentitiesApi
{
    public static IEndpointRouteBuilder MapDicomIdentitiesApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/dicom-identities").WithTags("DICOM Identities").RequireAuthorization(Permissions.IntegrationsDicom);
        api.MapGet("/", ListAsync).WithName("ListDicomIdentities").WithSummary("Every DICOM Identity with its usage.");
        api.MapGet("/{id}", GetAsync).WithName("GetDicomIdentity").WithSummary("One DICOM Identity with its usage and client certificate.");
        api.MapPost("/", CreateAsync).WithName("CreateDicomIdentity").WithSummary("Registers a device or PACS by name and AE title (audited).");
        api.MapPut("/{id}", UpdateAsync).WithName("UpdateDicomIdentity").WithSummary("Replaces the identity's settings (audited).");
        api.MapDelete("/{id}", DeleteAsync).WithName("DeleteDicomIdentity").WithSummary("Deletes the identity and its client certificates (audited).");
        api.MapPost("/{id}/enable", (Guid id, DicomIdentityService identities, ClaimsPrincipal user, HttpContext context, CancellationToken ct) =>
                SetEnabledAsync(id, true, identities, user, context, ct))
            .WithName("EnableDicomIdentity").WithSummary("Enables the identity (audited).");
        api.MapPost("/{id}/disable", (Guid id, DicomIdentityService identities, ClaimsPrincipal user, HttpContext context, CancellationToken ct) =>
                SetEnabledAsync(id, false, identities, user, context, ct))
            .WithName("DisableDicomIdentity").WithSummary("Disables the identity: its associations are refused, with the reason (audited).");
        api.MapPost("/{id}/client-certificate", IssueCertificateAsync)
            .WithName("IssueDicomClientCertificate").WithSummary("Issues a TLS client certificate; its private key is answered once and never stored. Revokes the previous one (audited).");
        api.MapDelete("/{id}/client-certificate", RevokeCertificateAsync)
            .WithName("RevokeDicomClientCertificate").WithSummary("Revokes the identity's client certificates (audited).");
        return app;
    }

    /// <summary>Create and replace (PUT) body. Omitted values take the defaults of a new identity.</summary>
    public sealed record DicomIdentityRequest(
        string? Name,
        string? AETitle,
        bool? Enabled,
        bool? AllowAnonymousTls,
        string[]? AllowedOperations,
        string? Host,
        int? Port,
        string[]? AllowedAddresses);

    public sealed record DicomIdentityResponse(
        Guid Id,
        string Name,
        string AETitle,
        bool Enabled,
        bool AllowAnonymousTls,
        string[] AllowedOperations,
        string? Host,
        int? Port,
        string[] AllowedAddresses,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt,
        DateTimeOffset? LastAssociationAt,
        long AssociationCount,
        long InstancesReceived,
        long BytesReceived,
        DateTimeOffset? LastRefusedAt,
        string? LastRefusalReason,
        ClientCertificateResponse? ClientCertificate);

    /// <summary>The identity's current (not revoked) client certificate.</summary>
    public sealed record ClientCertificateResponse(string SerialNumber, string Thumbprint, string Subject, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

    /// <summary>Answered once, at issue: the private key is not kept anywhere.</summary>
    public sealed record IssuedCertificateResponse(
        string CertificatePem,
        string PrivateKeyPem,
        string Pkcs12Base64,
        string Pkcs12Password,
        string CaCertificatePem,
        string SerialNumber,
        string Thumbprint,
        DateTimeOffset ExpiresAt);

    private static async Task<Ok<DicomIdentityResponse[]>> ListAsync(DicomIdentityService identities, CancellationToken cancellationToken) =>
        TypedResults.Ok(await identities.ListAsync(cancellationToken));

    private static async Task<Results<Ok<DicomIdentityResponse>, NotFound>> GetAsync(Guid id, DicomIdentityService identities, CancellationToken cancellationToken) =>
        await identities.GetAsync(id, cancellationToken) is { } identity ? TypedResults.Ok(identity) : TypedResults.NotFound();

    private static async Task<Results<Created<DicomIdentityResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        DicomIdentityRequest request, DicomIdentityService identities, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        DicomIdentityChange change = await identities.CreateAsync(request, Actor(user, context), cancellationToken);
        return change switch
        {
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            { Identity: { } identity } => TypedResults.Created($"/api/dicom-identities/{identity.Id}", identity),
            _ => DuplicateAETitle(change.DuplicateAETitle!),
        };
    }

    private static async Task<Results<Ok<DicomIdentityResponse>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, DicomIdentityRequest request, DicomIdentityService identities, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        DicomIdentityChange change = await identities.UpdateAsync(id, request, Actor(user, context), cancellationToken);
        return change switch
        {
            { Errors: { } errors } => TypedResults.ValidationProblem(errors),
            { Identity: { } identity } => TypedResults.Ok(identity),
            { DuplicateAETitle: { } aeTitle } => DuplicateAETitle(aeTitle),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(
        Guid id, DicomIdentityService identities, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        await identities.DeleteAsync(id, Actor(user, context), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<DicomIdentityResponse>, NotFound>> SetEnabledAsync(
        Guid id, bool enabled, DicomIdentityService identities, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        await identities.SetEnabledAsync(id, enabled, Actor(user, context), cancellationToken) is { } identity ? TypedResults.Ok(identity) : TypedResults.NotFound();

    private static async Task<Results<Ok<IssuedCertificateResponse>, NotFound>> IssueCertificateAsync(
        Guid id, DicomIdentityService identities, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        IssuedCertificateResponse? issued = await identities.IssueCertificateAsync(id, Actor(user, context), cancellationToken);
        if (issued is null)
        {
            return TypedResults.NotFound();
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(issued);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeCertificateAsync(
        Guid id, DicomIdentityService identities, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        await identities.RevokeCertificateAsync(id, Actor(user, context), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static DicomIdentityActor Actor(ClaimsPrincipal user, HttpContext context) => new(user, context.Connection.RemoteIpAddress?.ToString());

    private static ProblemHttpResult DuplicateAETitle(string aeTitle) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "AE title already registered",
        detail: DicomIdentityService.DuplicateAETitleMessage(aeTitle));
}
