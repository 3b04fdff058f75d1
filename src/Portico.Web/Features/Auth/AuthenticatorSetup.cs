using System.Text;
using Microsoft.AspNetCore.Identity;
using Portico.Index.Access;
using QRCoder;

namespace Portico.Web.Features.Auth;

/// <summary>What the account page shows to set up an authenticator app: the shared key in groups and as a QR code.</summary>
public static class AuthenticatorSetup
{
    public const string Issuer = "Portico";

    /// <summary>The key in groups of four, lower case, easier to type into an app by hand.</summary>
    public static string FormatKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var text = new StringBuilder();
        for (int i = 0; i < key.Length; i += 4)
        {
            text.Append(text.Length > 0 ? " " : "").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }

        return text.ToString().ToLowerInvariant();
    }

    /// <summary>The key URI format authenticator apps read: <c>otpauth://totp/Issuer:account?secret=…&amp;issuer=…</c>.</summary>
    public static string Uri(string email, string key) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(Issuer)}:{System.Uri.EscapeDataString(email)}?secret={key}&issuer={System.Uri.EscapeDataString(Issuer)}&digits=6";

    /// <summary>The URI as a QR code in SVG, drawn on the server (no script, no image request).</summary>
    public static string QrCodeSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using QRCodeData data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }

    /// <summary>
    /// Forgets the user's authenticator key (two-step verification turned off): the app's entry stops working and
    /// setting up again starts with a new key. Identity's user store keeps the key as this token.
    /// </summary>
    public static async Task<IdentityResult> ForgetKeyAsync(UserManager<PorticoUser> users, PorticoUser user)
    {
        ArgumentNullException.ThrowIfNull(users);
        IdentityResult reset = await users.ResetAuthenticatorKeyAsync(user);
        return reset.Succeeded ? await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey") : reset;
    }
}
