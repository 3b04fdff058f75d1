using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Dicom;
using Portico.Web.Security;
using static Portico.Web.Features.Dicom.DicomIdentitiesApi;

namespace Portico.Web.Features.Dicom;

/// <summary>Who changes a DICOM Identity, for its audit entry: the API's caller or the signed-in user of a page.</summary>
public sealed record DicomIdentityActor(ClaimsPrincipal User, string? RemoteAddress);

/// <summary>The result of a create or replace: the identity, or why not (validation errors, AE title taken, not found).</summary>
public sealed record DicomIdentityChange(DicomIdentityResponse? Identity, Dictionary<string, string[]>? Errors = null, string? DuplicateAETitle = null)
{
    public static DicomIdentityChange NotFound { get; } = new((DicomIdentityResponse?)null);

    public bool Succeeded => Identity is not null;
}

/// <summary>
/// Every operation on DICOM Identities, for the API (<see cref="DicomIdentitiesApi"/>) and the Settings &gt; Devices &gt;
/// DICOM pages alike: each change is audited in the same transaction and refreshes <see cref="IdentityAssociationPolicy"/>.
/// Scoped (one DbContext).
/// </summary>
public sealed class DicomIdentityService(PorticoDbContext db, IdentityAssociationPolicy policy, DicomCertificateAuthority authority, TimeProvider clock)
{
    /// <summary>The message for an AE title another identity has.</summary>
    public static string DuplicateAETitleMessage(string aeTitle) => $"The AE title '{aeTitle}' belongs to another DICOM Identity; AE titles are unique.";

    public async Task<DicomIdentityResponse[]> ListAsync(CancellationToken cancellationToken)
    {
        List<DicomIdentity> identities = await db.DicomIdentities.AsNoTracking()
            .Include(i => i.ClientCertificates.Where(c => c.RevokedAt == null))
            .ToListAsync(cancellationToken);
        return [.. identities.OrderBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.AETitle, StringComparer.Ordinal).Select(ToResponse)];
    }

    public async Task<DicomIdentityResponse?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        DicomIdentity? identity = await FindAsync(id, tracking: false, cancellationToken);
        return identity is null ? null : ToResponse(identity);
    }

    public async Task<DicomIdentityChange> CreateAsync(DicomIdentityRequest request, DicomIdentityActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (DicomIdentityValidation.Validate(request) is { } errors)
        {
            return new DicomIdentityChange(null, errors);
        }

        string aeTitle = request.AETitle!.Trim(' ');
        if (await db.DicomIdentities.AnyAsync(i => i.AETitle == aeTitle, cancellationToken))
        {
            return Duplicate(aeTitle);
        }

        DateTime now = clock.GetUtcNow().UtcDateTime;
        var identity = new DicomIdentity { CreatedAt = now, UpdatedAt = now };
        Apply(identity, request);
        db.DicomIdentities.Add(identity);
        db.AuditEntries.Add(Audit(actor, "DicomIdentity.Created", identity, Settings(identity)));
        if (!await TrySaveAsync(cancellationToken))
        {
            return Duplicate(aeTitle);
        }

        policy.Invalidate();
        return new DicomIdentityChange(ToResponse(identity));
    }

    public async Task<DicomIdentityChange> UpdateAsync(Guid id, DicomIdentityRequest request, DicomIdentityActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (DicomIdentityValidation.Validate(request) is { } errors)
        {
            return new DicomIdentityChange(null, errors);
        }

        DicomIdentity? identity = await FindAsync(id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return DicomIdentityChange.NotFound;
        }

        string aeTitle = request.AETitle!.Trim(' ');
        if (await db.DicomIdentities.AnyAsync(i => i.AETitle == aeTitle && i.Id != identity.Id, cancellationToken))
        {
            return Duplicate(aeTitle);
        }

        string before = Settings(identity);
        Apply(identity, request);
        string after = Settings(identity);
        if (before != after)
        {
            identity.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            db.AuditEntries.Add(Audit(actor, "DicomIdentity.Updated", identity, $"{{\"before\":{before},\"after\":{after}}}"));
            if (!await TrySaveAsync(cancellationToken))
            {
                return Duplicate(aeTitle);
            }

            policy.Invalidate();
        }

        return new DicomIdentityChange(ToResponse(identity));
    }

    /// <summary>Deletes the identity and its client certificates; false when there is none.</summary>
    public async Task<bool> DeleteAsync(Guid id, DicomIdentityActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        DicomIdentity? identity = await FindAsync(id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return false;
        }

        db.DicomIdentities.Remove(identity);
        db.AuditEntries.Add(Audit(actor, "DicomIdentity.Deleted", identity, Settings(identity)));
        await db.SaveChangesAsync(cancellationToken);
        policy.Invalidate();
        return true;
    }

    /// <summary>Enables or disables the identity (audited when it changes); null when there is none.</summary>
    public async Task<DicomIdentityResponse?> SetEnabledAsync(Guid id, bool enabled, DicomIdentityActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        DicomIdentity? identity = await FindAsync(id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return null;
        }

        if (identity.Enabled != enabled)
        {
            identity.Enabled = enabled;
            identity.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            db.AuditEntries.Add(Audit(actor, enabled ? "DicomIdentity.Enabled" : "DicomIdentity.Disabled", identity,
                $"{{\"aeTitle\":{JsonSerializer.Serialize(identity.AETitle)}}}"));
            await db.SaveChangesAsync(cancellationToken);
            policy.Invalidate();
        }

        return ToResponse(identity);
    }

    /// <summary>Issues a client certificate (revoking the previous ones); its private key is answered here once. Null when there is no identity.</summary>
    public async Task<IssuedCertificateResponse?> IssueCertificateAsync(Guid id, DicomIdentityActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        DicomIdentity? identity = await FindAsync(id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return null;
        }

        DateTime now = clock.GetUtcNow().UtcDateTime;
        List<string> revoked = Revoke(identity, now);
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
        db.AuditEntries.Add(Audit(actor, "DicomIdentity.ClientCertificateIssued", identity,
            JsonSerializer.Serialize(new { serialNumber = issued.SerialNumber, thumbprint = issued.Thumbprint, expiresAt = issued.NotAfter, revoked })));
        await db.SaveChangesAsync(cancellationToken);
        policy.Invalidate();
        return new IssuedCertificateResponse(
            issued.CertificatePem,
            issued.PrivateKeyPem,
            Convert.ToBase64String(issued.Pkcs12),
            issued.Pkcs12Password,
            authority.GetCertificateAuthorityPem(),
            issued.SerialNumber,
            issued.Thumbprint,
            new DateTimeOffset(issued.NotAfter, TimeSpan.Zero));
    }

    /// <summary>Revokes the identity's client certificates (audited when there were any); false when there is no identity.</summary>
    public async Task<bool> RevokeCertificateAsync(Guid id, DicomIdentityActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        DicomIdentity? identity = await FindAsync(id, tracking: true, cancellationToken);
        if (identity is null)
        {
            return false;
        }

        List<string> revoked = Revoke(identity, clock.GetUtcNow().UtcDateTime);
        if (revoked.Count > 0)
        {
            db.AuditEntries.Add(Audit(actor, "DicomIdentity.ClientCertificateRevoked", identity, JsonSerializer.Serialize(new { revoked })));
            await db.SaveChangesAsync(cancellationToken);
            policy.Invalidate();
        }

        return true;
    }

    private static List<string> Revoke(DicomIdentity identity, DateTime now)
    {
        List<string> revoked = [];
        foreach (DicomClientCertificate certificate in identity.ClientCertificates.Where(c => c.RevokedAt is null))
        {
            certificate.RevokedAt = now;
            revoked.Add(certificate.SerialNumber);
        }

        return revoked;
    }

    private Task<DicomIdentity?> FindAsync(Guid id, bool tracking, CancellationToken cancellationToken)
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

    private async Task<bool> TrySaveAsync(CancellationToken cancellationToken)
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

    private static DicomIdentityChange Duplicate(string aeTitle) => new(null, DuplicateAETitle: aeTitle);

    private Portico.Index.Audit.AuditEntry Audit(DicomIdentityActor actor, string action, DicomIdentity identity, string details) =>
        AuditRecords.Create(actor.User, actor.RemoteAddress, clock, action, $"dicom-identity/{identity.Id}", details);

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
