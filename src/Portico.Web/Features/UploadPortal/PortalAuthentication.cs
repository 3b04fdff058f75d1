using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Index;
using Portico.Index.UploadPortal;
using Portico.Web.Security;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// The Upload Portal's own sign-in: an HttpOnly, SameSite=Strict cookie holding the data-protected session id, read
/// by the <see cref="SchemeName"/> scheme. Its principal has no permissions, so every staff endpoint (which names a
/// permission under the staff schemes) refuses it; portal endpoints require the <see cref="Policy"/> policy.
/// </summary>
public sealed class PortalAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDataProtectionProvider protection,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Portal";

    /// <summary>The authorization policy every portal endpoint requires.</summary>
    public const string Policy = "PortalSession";

    public const string CookieName = "portico.portal";

    /// <summary>The claim carrying the portal session's id.</summary>
    public const string SessionClaim = "portico:portal-session";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private const string Purpose = "Portico.UploadPortal.Session";

    /// <summary>Sets the session cookie on the response.</summary>
    public static void IssueCookie(HttpContext context, Guid sessionId, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(context);
        ITimeLimitedDataProtector protector = Protector(context.RequestServices.GetRequiredService<IDataProtectionProvider>());
        string value = protector.Protect(sessionId.ToString("N"), expires);
        context.Response.Cookies.Append(CookieName, value, CookieOptions(context, expires));
    }

    /// <summary>Removes the session cookie.</summary>
    public static void ClearCookie(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(CookieName, CookieOptions(context, null));
    }

    /// <summary>The portal session of an authenticated portal caller.</summary>
    public static Guid SessionIdOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Guid.Parse(user.FindFirstValue(SessionClaim) ?? throw new InvalidOperationException("The caller has no portal session."));
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out string? cookie) || string.IsNullOrEmpty(cookie))
        {
            return AuthenticateResult.NoResult();
        }

        Guid sessionId;
        try
        {
            string text = Protector(protection).Unprotect(cookie, out DateTimeOffset expires);
            if (expires <= clock.GetUtcNow() || !Guid.TryParseExact(text, "N", out sessionId))
            {
                return AuthenticateResult.Fail("The portal session has expired.");
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return AuthenticateResult.Fail("The portal session cookie is not valid.");
        }

        PorticoDbContext db = Context.RequestServices.GetRequiredService<PorticoDbContext>();
        var session = await db.PortalSessions.AsNoTracking().Where(s => s.Id == sessionId)
            .Select(s => new { s.State, s.CodeHint, s.UploadCodeId }).FirstOrDefaultAsync(Context.RequestAborted);
        if (session is null || session.State == PortalSessionState.Cancelled)
        {
            return AuthenticateResult.Fail("The portal session has ended.");
        }

        Claim[] claims =
        [
            new(ClaimTypes.NameIdentifier, "portal:" + sessionId.ToString("N")),
            new(ClaimTypes.Name, "upload code …" + session.CodeHint),
            new(PorticoClaims.ActorKind, "UploadCode"),
            new(SessionClaim, sessionId.ToString("N")),
            new("portico:upload-code", session.UploadCodeId.ToString()),
        ];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider provider) =>
        provider.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    private static CookieOptions CookieOptions(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
