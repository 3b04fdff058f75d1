using System.Security.Claims;
using Portico.Index.Audit;

namespace Portico.Web.Security;

/// <summary>Audit entries for changes made through the HTTP API: who (user or API key), when, what, from where.</summary>
public static class AuditRecords
{
    /// <summary>The caller's display name for audit and "added by" columns: e-mail, else name.</summary>
    public static string Actor(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "unknown";
    }

    public static AuditEntry Create(ClaimsPrincipal user, HttpContext context, TimeProvider clock, string action, string target, string? details, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Create(user, context.Connection.RemoteIpAddress?.ToString(), clock, action, target, details, reason);
    }

    /// <summary>For changes made in the web app's pages, where the caller's address comes from <see cref="CircuitActor"/>.</summary>
    public static AuditEntry Create(ClaimsPrincipal user, string? remoteAddress, TimeProvider clock, string action, string target, string? details, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(clock);
        return new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            Actor = user.Actor(),
            ActorKind = user.FindFirstValue(PorticoClaims.ActorKind) == "ApiKey" ? ActorKind.ApiKey : ActorKind.User,
            Action = action,
            Target = target,
            Details = details,
            Reason = reason,
            RemoteAddress = remoteAddress,
        };
    }
}
