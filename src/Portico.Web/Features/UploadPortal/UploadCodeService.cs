using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.UploadPortal;
using Portico.Web.Security;

namespace Portico.Web.Features.UploadPortal;

/// <summary>Creating, listing, revoking and redeeming upload codes, shared by the API and the pages. Every change is audited.</summary>
public sealed class UploadCodeService(PorticoDbContext db, TimeProvider clock)
{
    /// <summary>The one answer for every wrong code, whatever the reason (unknown, expired, revoked, used up).</summary>
    public const string InvalidCodeMessage = "This upload code is not valid. Check that you typed it as printed on your letter, or contact the hospital for a new one.";

    public const string LockedOutMessage = "Too many wrong upload codes were entered from this connection. Wait 15 minutes, then try again.";

    public sealed record CreateRequest(string? IssuedTo, string? Note, int? ValidDays, int? MaxSessions);

    public sealed record CodeRow(UploadCodeId Id, string? IssuedTo, string? Note, UploadCodeStatus Status, int Uses, int? MaxSessions, DateTime CreatedAt, string CreatedBy, DateTime ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt);

    /// <summary>A new code: the code itself is in <see cref="Created.Code"/> and nowhere else, ever.</summary>
    public sealed record Created(string Code, CodeRow Row);

    public async Task<UploadPortalSettings> SettingsAsync(CancellationToken cancellationToken) =>
        await db.UploadPortalSettings.AsNoTracking().TheRow().FirstOrDefaultAsync(cancellationToken) ?? new UploadPortalSettings();

    /// <summary>Stores validated settings (<see cref="UploadPortalApi.Validate"/> first) and audits the change.</summary>
    public async Task<UploadPortalSettings> SaveSettingsAsync(UploadPortalApi.SettingsDto request, ClaimsPrincipal user, string? remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        UploadPortalSettings? row = await db.UploadPortalSettings.TheRow().FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            row = new UploadPortalSettings();
            db.UploadPortalSettings.Add(row);
        }

        row.InstitutionName = request.InstitutionName.Trim();
        row.Phone = request.Phone.Trim();
        row.Email = request.Email.Trim();
        row.ManualUrl = request.ManualUrl.Trim();
        row.PrivacyPolicy = request.PrivacyPolicy;
        row.ConsentText = request.ConsentText;
        row.MaxSessionBytes = request.MaxSessionBytes;
        row.MaxStudiesPerSession = request.MaxStudiesPerSession;
        row.DefaultCodeValidityDays = request.DefaultCodeValidityDays;
        row.MaxCodeValidityDays = request.MaxCodeValidityDays;
        row.AllowUnscannedUploads = request.AllowUnscannedUploads;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        row.UpdatedBy = user.Actor();
        db.AuditEntries.Add(AuditRecords.Create(user, remoteAddress, clock, "UploadPortal.SettingsChanged", "upload portal",
            $"session limit {request.MaxSessionBytes} bytes; {request.MaxStudiesPerSession} studies; codes {request.DefaultCodeValidityDays}/{request.MaxCodeValidityDays} days; unscanned {(request.AllowUnscannedUploads ? "allowed" : "refused")}"));
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>Validates and creates a code; null with <paramref name="errors"/> when the request is not acceptable.</summary>
    public async Task<(Created? Created, Dictionary<string, string[]>? Errors)> CreateAsync(CreateRequest request, ClaimsPrincipal user, string? remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        UploadPortalSettings settings = await SettingsAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>();
        int days = request.ValidDays ?? settings.DefaultCodeValidityDays;
        if (days < 1 || days > settings.MaxCodeValidityDays)
        {
            errors["validDays"] = [$"A code is valid for 1 to {settings.MaxCodeValidityDays} days (the maximum is set in the portal settings)."];
        }

        if (request.MaxSessions is < 1 or > 1000)
        {
            errors["maxSessions"] = ["The number of uploads a code allows is 1 (single use) to 1000, or empty for no limit."];
        }

        if (request.IssuedTo is { Length: > IndexLimits.NameMaxLength })
        {
            errors["issuedTo"] = [$"At most {IndexLimits.NameMaxLength} characters."];
        }

        if (request.Note is { Length: > 1024 })
        {
            errors["note"] = ["At most 1024 characters."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        string code = UploadCodeSecret.Generate();
        DateTime now = clock.GetUtcNow().UtcDateTime;
        var row = new UploadCode
        {
            CodeHash = UploadCodeSecret.Hash(UploadCodeSecret.Normalise(code)!),
            IssuedTo = Blank(request.IssuedTo),
            Note = Blank(request.Note),
            MaxSessions = request.MaxSessions,
            CreatedAt = now,
            CreatedBy = user.Actor(),
            ExpiresAt = now.AddDays(days),
        };
        db.UploadCodes.Add(row);
        db.AuditEntries.Add(AuditRecords.Create(user, remoteAddress, clock, "UploadCode.Created", row.Id.ToString(), $"valid {days} days; sessions {(row.MaxSessions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited")}"));
        await db.SaveChangesAsync(cancellationToken);
        return (new Created(code, ToRow(row, now)), null);
    }

    public async Task<IReadOnlyList<CodeRow>> ListAsync(CancellationToken cancellationToken)
    {
        DateTime now = clock.GetUtcNow().UtcDateTime;
        List<UploadCode> codes = await db.UploadCodes.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(1000).ToListAsync(cancellationToken);
        return [.. codes.Select(c => ToRow(c, now))];
    }

    /// <summary>Revokes a code; false when there is no such code.</summary>
    public async Task<bool> RevokeAsync(UploadCodeId id, ClaimsPrincipal user, string? remoteAddress, CancellationToken cancellationToken)
    {
        UploadCode? code = await db.UploadCodes.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (code is null)
        {
            return false;
        }

        if (code.RevokedAt is null)
        {
            code.RevokedAt = clock.GetUtcNow().UtcDateTime;
            code.RevokedBy = user.Actor();
            db.AuditEntries.Add(AuditRecords.Create(user, remoteAddress, clock, "UploadCode.Revoked", code.Id.ToString(), null));
            await db.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>Opens a portal session with a typed code: counts the use and audits it; null for any wrong code.</summary>
    public async Task<UploadCode?> RedeemAsync(string? typed, string? remoteAddress, CancellationToken cancellationToken)
    {
        string? normalised = UploadCodeSecret.Normalise(typed);
        if (normalised is null)
        {
            return null;
        }

        string hash = UploadCodeSecret.Hash(normalised);
        UploadCode? code = await db.UploadCodes.FirstOrDefaultAsync(c => c.CodeHash == hash, cancellationToken);
        DateTime now = clock.GetUtcNow().UtcDateTime;
        if (code is null || code.StatusAt(now) != UploadCodeStatus.Active)
        {
            return null;
        }

        code.Uses++;
        code.LastUsedAt = now;
        db.AuditEntries.Add(new Index.Audit.AuditEntry
        {
            At = now,
            Actor = "upload code " + code.Id,
            ActorKind = Index.Audit.ActorKind.UploadCode,
            Action = "UploadCode.Used",
            Target = code.Id.ToString(),
            Details = $"session {code.Uses}{(code.MaxSessions is { } max ? " of " + max.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}",
            RemoteAddress = remoteAddress,
        });
        await db.SaveChangesAsync(cancellationToken);
        return code;
    }

    private static CodeRow ToRow(UploadCode c, DateTime now) =>
        new(c.Id, c.IssuedTo, c.Note, c.StatusAt(now), c.Uses, c.MaxSessions, c.CreatedAt, c.CreatedBy, c.ExpiresAt, c.LastUsedAt, c.RevokedAt);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
