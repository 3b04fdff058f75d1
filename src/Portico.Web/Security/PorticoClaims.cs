using System.Security.Claims;
using Portico.Index.Studies;

namespace Portico.Web.Security;

public static class PorticoClaims
{
    /// <summary>One named permission (DESIGN.md) the caller holds.</summary>
    public const string Permission = "portico:permission";

    /// <summary>User or ApiKey.</summary>
    public const string ActorKind = "portico:actor-kind";

    /// <summary>The source recorded on instances this caller uploads.</summary>
    public static IngestSource ToIngestSource(this ClaimsPrincipal user, string? remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(user);
        bool apiKey = user.FindFirstValue(ActorKind) == "ApiKey";
        return new IngestSource(
            apiKey ? IngestSourceKind.ApiKey : IngestSourceKind.User,
            user.FindFirstValue(ClaimTypes.NameIdentifier),
            user.FindFirstValue(ClaimTypes.Email) ?? user.FindFirstValue(ClaimTypes.Name),
            remoteAddress);
    }
}
