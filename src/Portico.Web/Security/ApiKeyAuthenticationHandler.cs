using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Portico.Index;
using Portico.Index.Access;

namespace Portico.Web.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;api key&gt;</c> for scripts and agents. Keys are stored as SHA-256 hashes; the
/// principal carries the key's permissions (or its owner's) as <see cref="PorticoClaims.Permission"/> claims.
/// A key's claims are cached for <see cref="CacheFor"/>: a script sending thousands of files does not look its key
/// up thousands of times. A revoked key or a changed role therefore takes effect within that time.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IMemoryCache cache,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        string secret = header["Bearer ".Length..].Trim();
        if (secret.Length is < 16 or > 256)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }

        string cacheKey = "apikey:" + ApiKeySecret.Hash(secret);
        if (!cache.TryGetValue(cacheKey, out Claim[]? claims) || claims is null)
        {
            // Resolved only on a cache miss: most requests need no database context at all.
            PorticoDbContext db = Context.RequestServices.GetRequiredService<PorticoDbContext>();
            ApiKey? key = await AccessQueries.FindActiveApiKeyAsync(db, secret, Context.RequestAborted);
            if (key is null)
            {
                return AuthenticateResult.Fail("Invalid API key.");
            }

            IReadOnlyList<string> permissions = await AccessQueries.GetApiKeyPermissionsAsync(db, key, Context.RequestAborted);
            claims =
            [
                new(ClaimTypes.NameIdentifier, PorticoClaims.ApiKeySubjectPrefix + key.Id),
                new(ClaimTypes.Name, key.Name),
                new(PorticoClaims.ActorKind, "ApiKey"),
                .. permissions.Select(p => new Claim(PorticoClaims.Permission, p)),
            ];

            DateTime now = clock.GetUtcNow().UtcDateTime;
            if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
            {
                key.LastUsedAt = now;
                await db.SaveChangesAsync(Context.RequestAborted);
            }

            cache.Set(cacheKey, claims, CacheFor);
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
