using System.Security.Claims;
using Portico.Index.Audit;
using Portico.Web.Security;

namespace Portico.Web.Features.Users;

/// <summary>Who makes a change (a signed-in user or an API key) and from where: the audit entry's who and where.</summary>
public sealed record ActingUser(ClaimsPrincipal User, string? RemoteAddress)
{
    public static ActingUser From(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.User, context.Connection.RemoteIpAddress?.ToString());
    }

    public static async Task<ActingUser> FromAsync(CircuitActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return new(await actor.UserAsync(), actor.RemoteAddress);
    }

    /// <summary>Whether this is the account <paramref name="userId"/> itself (an API key never is).</summary>
    public bool Is(Guid userId) =>
        User.FindFirstValue(PorticoClaims.ActorKind) != "ApiKey" && User.FindFirstValue(ClaimTypes.NameIdentifier) == userId.ToString();

    public AuditEntry Audit(TimeProvider clock, string action, string target, string? details) =>
        AuditRecords.Create(User, RemoteAddress, clock, action, target, details);
}
