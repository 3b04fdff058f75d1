using System.Security.Claims;
using Portico.Index.Studies;

namespace Portico.Web.Security;

public static class PorticoClaims
{
    /// <summary>One named permission (DESIGN.md) the caller holds.</summary>
    public const string Permission = "portico:permission";

    /// <summary>User or ApiKey.</summary>
    public const string ActorKind = "portico:actor-kind";

    /// <summary>How an API key caller's name identifier starts (followed by the key's id).</summary>
    public const string ApiKeySubjectPrefix = "apikey:";

    /// <summary>The caller's API key, or null for a user (or anyone else).</summary>
    public static Portico.Index.Access.ApiKeyId? ApiKeyOf(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(ActorKind) == "ApiKey"
            && user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
            && id.StartsWith(ApiKeySubjectPrefix, StringComparison.Ordinal)
            && Guid.TryParse(id.AsSpan(ApiKeySubjectPrefix.Length), out Guid value)
                ? new Portico.Index.Access.ApiKeyId(value)
                : null;
    }

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
