using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Dicom;
using Portico.Web.Security;

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
        api.MapPost("/{id}/enable", (Guid id, PorticoDbContext db, IdentityAssociationPolicy policy, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken ct) =>
                SetEnabledAsync(id, true, db, policy, user, context, clock, ct))
            .WithName("EnableDicomIdentity").WithSummary("Enables the identity (audited).");
        api.MapPost("/{id}/disable", (Guid id, PorticoDbContext db, IdentityAssociationPolicy policy, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken ct) =>
                SetEnabledAsync(id, false, db, policy, user, context, clock, ct))
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

    private static async Task<Ok<DicomIdentityResponse[]>> ListAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        List<DicomIdentity> identities = await db.DicomIdentities.AsNoTracking()
            .Include(i => i.ClientCertificates.Where(c => c.RevokedAt == null))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(identities.OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.AETitle, StringComparer.Ordinal).Select(ToResponse).ToArray());
    }

    private static async Task<Results<Ok<DicomIdentityResponse>, NotFound>> GetAsync(Guid id, PorticoDbContext db, CancellationToken cancellationToken)
    {
        DicomIdentity? identity = await FindAsync(db, id, tracking: false, cancellationToken);
        return identity is null ? TypedResults.NotFound() : TypedResults.Ok(ToResponse(identity));
    }

    private static async Task<Results<Created<DicomIdentityResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        DicomIdentityRequest request, PorticoDbContext db, IdentityAssociationPolicy policy, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (DicomIdentityValidation.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        string aeTitle = request.AETitle!.Trim(' ');
        if (await db.DicomIdentities.AnyAsync(i => i.AETitle == aeTitle, cancellationToken))
        {
            return DuplicateAETitle(aeTitle);
        }

        DateTime now = clock.GetUtcNow().UtcDateTime;
        var identity = new DicomIdentity { CreatedAt = now, UpdatedAt = now };
        Apply(identity, request);
        db.DicomIdentities.Add(identity);
        db.AuditEntries.Add(AuditRecords.Create(user, context, clock, "DicomIdentity.Created", Target(identity.Id), Settings(identity)));
        if (!await TrySaveAsync(db, cancellationToken))
        {
            return DuplicateAETitle(aeTitle);
        }

        policy.Invalidate();
        return TypedResults.Created($"/api/dicom-identities/{identity.Id}", ToResponse(identity));
    }

    private static async Task<Results<Ok<DicomIdentityResponse>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, DicomIdentityRequest request, PorticoDbContext db, IdentityAssociationPolicy policy, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (DicomIdentityValidation.Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        DicomIdentity? identity = await FindAsync(db, id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return TypedResults.NotFound();
        }

        string aeTitle = request.AETitle!.Trim(' ');
        if (await db.DicomIdentities.AnyAsync(i => i.AETitle == aeTitle && i.Id != identity.Id, cancellationToken))
        {
            return DuplicateAETitle(aeTitle);
        }

        string before = Settings(identity);
        Apply(identity, request);
        string after = Settings(identity);
        if (before != after)
        {
            identity.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            db.AuditEntries.Add(AuditRecords.Create(user, context, clock, "DicomIdentity.Updated", Target(identity.Id), $"{{\"before\":{before},\"after\":{after}}}"));
            if (!await TrySaveAsync(db, cancellationToken))
            {
                return DuplicateAETitle(aeTitle);
            }

            policy.Invalidate();
        }

        return TypedResults.Ok(ToResponse(identity));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(
        Guid id, PorticoDbContext db, IdentityAssociationPolicy policy, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        DicomIdentity? identity = await FindAsync(db, id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return TypedResults.NotFound();
        }

        db.DicomIdentities.Remove(identity);
        db.AuditEntries.Add(AuditRecords.Create(user, context, clock, "DicomIdentity.Deleted", Target(identity.Id), Settings(identity)));
        await db.SaveChangesAsync(cancellationToken);
        policy.Invalidate();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DicomIdentityResponse>, NotFound>> SetEnabledAsync(
        Guid id, bool enabled, PorticoDbContext db, IdentityAssociationPolicy policy, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        DicomIdentity? identity = await FindAsync(db, id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return TypedResults.NotFound();
        }

        if (identity.Enabled != enabled)
        {
            identity.Enabled = enabled;
            identity.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            db.AuditEntries.Add(AuditRecords.Create(user, context, clock, enabled ? "DicomIdentity.Enabled" : "DicomIdentity.Disabled", Target(identity.Id),
                $"{{\"aeTitle\":{JsonSerializer.Serialize(identity.AETitle)}}}"));
            await db.SaveChangesAsync(cancellationToken);
            policy.Invalidate();
        }

        return TypedResults.Ok(ToResponse(identity));
    }

    private static async Task<Results<Ok<IssuedCertificateResponse>, NotFound>> IssueCertificateAsync(
        Guid id, PorticoDbContext db, DicomCertificateAuthority authority, IdentityAssociationPolicy policy, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        DicomIdentity? identity = await FindAsync(db, id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return TypedResults.NotFound();
        }

        DateTime now = clock.GetUtcNow().UtcDateTime;
        List<string> revoked = [];
        foreach (DicomClientCertificate old in identity.ClientCertificates.Where(c => c.RevokedAt is null))
        {
            old.RevokedAt = now;
            revoked.Add(old.SerialNumber);
        }

        IssuedClientCertificate issued = authority.IssueClientCertificate(identity.AETitle);
        identity.ClientCertificates.Add(new DicomClientCertificate
        {
            IdentityId = identity.Id,
            SerialNumber = issued.SerialNumber,
            Thumbprint = issued.Thumbprint,
            Subject = issued.Subject,
            IssuedAt = now,
            ExpiresAt = issued.NotAfter,
        });
        db.AuditEntries.Add(AuditRecords.Create(user, context, clock, "DicomIdentity.ClientCertificateIssued", Target(identity.Id),
            JsonSerializer.Serialize(new { serialNumber = issued.SerialNumber, thumbprint = issued.Thumbprint, expiresAt = issued.NotAfter, revoked })));
        await db.SaveChangesAsync(cancellationToken);
        policy.Invalidate();
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new IssuedCertificateResponse(
            issued.CertificatePem,
            issued.PrivateKeyPem,
            Convert.ToBase64String(issued.Pkcs12),
            issued.Pkcs12Password,
            authority.GetCertificateAuthorityPem(),
            issued.SerialNumber,
            issued.Thumbprint,
            new DateTimeOffset(issued.NotAfter, TimeSpan.Zero)));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeCertificateAsync(
        Guid id, PorticoDbContext db, IdentityAssociationPolicy policy, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        DicomIdentity? identity = await FindAsync(db, id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return TypedResults.NotFound();
        }

        DateTime now = clock.GetUtcNow().UtcDateTime;
        List<string> revoked = [];
        foreach (DicomClientCertificate certificate in identity.ClientCertificates.Where(c => c.RevokedAt is null))
        {
            certificate.RevokedAt = now;
            revoked.Add(certificate.SerialNumber);
        }

        if (revoked.Count > 0)
        {
            db.AuditEntries.Add(AuditRecords.Create(user, context, clock, "DicomIdentity.ClientCertificateRevoked", Target(identity.Id), JsonSerializer.Serialize(new { revoked })));
            await db.SaveChangesAsync(cancellationToken);
            policy.Invalidate();
        }

        return TypedResults.NoContent();
    }

    private static Task<DicomIdentity?> FindAsync(PorticoDbContext db, Guid id, bool tracking, CancellationToken cancellationToken)
    {
        IQueryable<DicomIdentity> query = db.DicomIdentities.Include(i => i.ClientCertificates);
        return (tracking ? query : query.AsNoTracking()).FirstOrDefaultAsync(i => i.Id == new DicomIdentityId(id), cancellationToken);
    }

    private static void Apply(DicomIdentity identity, DicomIdentityRequest request)
    {
        identity.Name = request.Name!.Trim();
        identity.AETitle = request.AETitle!.Trim(' ');
        identity.Enabled = request.Enabled ?? true;
        identity.AllowAnonymousTls = request.AllowAnonymousTls ?? false;
        identity.AllowedOperations = DicomIdentityValidation.Operations(request);
        identity.Host = string.IsNullOrWhiteSpace(request.Host) ? null : request.Host.Trim();
        identity.Port = request.Port;
        identity.AllowedAddresses = request.AllowedAddresses is { Length: > 0 } addresses ? [.. addresses.Select(a => a.Trim())] : null;
    }

    private static async Task<bool> TrySaveAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another request took the AE title between the check and the save (the unique index refused it).
            return false;
        }
    }

    private static ProblemHttpResult DuplicateAETitle(string aeTitle) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "AE title already registered",
        detail: $"The AE title '{aeTitle}' belongs to another DICOM Identity; AE titles are unique.");

    private static string Target(DicomIdentityId id) => $"dicom-identity/{id}";

    /// <summary>The audited settings, as JSON.</summary>
    private static string Settings(DicomIdentity i) => JsonSerializer.Serialize(new
    {
        name = i.Name,
        aeTitle = i.AETitle,
        enabled = i.Enabled,
        allowAnonymousTls = i.AllowAnonymousTls,
        allowedOperations = DicomOperationNames.ToNames(i.AllowedOperations),
        host = i.Host,
        port = i.Port,
        allowedAddresses = i.AllowedAddresses ?? [],
    });

    private static DicomIdentityResponse ToResponse(DicomIdentity i)
    {
        DicomClientCertificate? current = i.ClientCertificates.Where(c => c.RevokedAt is null).MaxBy(c => c.IssuedAt);
        return new DicomIdentityResponse(
            i.Id.Value, i.Name, i.AETitle, i.Enabled, i.AllowAnonymousTls, DicomOperationNames.ToNames(i.AllowedOperations), i.Host, i.Port,
            [.. i.AllowedAddresses ?? []], Utc(i.CreatedAt), Utc(i.UpdatedAt), Utc(i.LastAssociationAt), i.AssociationCount, i.InstancesReceived, i.BytesReceived,
            Utc(i.LastRefusedAt), i.LastRefusalReason,
            current is null ? null : new ClientCertificateResponse(current.SerialNumber, current.Thumbprint, current.Subject, Utc(current.IssuedAt), Utc(current.ExpiresAt)));
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
