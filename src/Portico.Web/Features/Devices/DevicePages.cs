using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Portico.Index.Access;
using Portico.Web.Features.Dicom;
using Portico.Web.Security;

namespace Portico.Web.Features.Devices;

/// <summary>What the Settings &gt; Devices &gt; DICOM pages share: the permission check before a change, and formatting.</summary>
public static class DevicePages
{
    public const string NotAllowed = "Your account does not have the Integrations.Dicom permission this change needs.";

    /// <summary>The signed-in user as the actor of a change, or null when they may not change DICOM Identities.</summary>
    public static async Task<DicomIdentityActor?> AuthorizedActorAsync(CircuitActor actor, IAuthorizationService authorization)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(authorization);
        var user = await actor.UserAsync();
        AuthorizationResult result = await authorization.AuthorizeAsync(user, Permissions.IntegrationsDicom);
        return result.Succeeded ? new DicomIdentityActor(user, actor.RemoteAddress) : null;
    }

    public static string When(DateTimeOffset? at) => at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "never";

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
    };

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>How a device may use TLS with this identity, in words.</summary>
    public static string TlsMode(DicomIdentitiesApi.DicomIdentityResponse identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.ClientCertificate is not null
            ? "Client certificate issued"
            : identity.AllowAnonymousTls ? "Anonymous TLS allowed" : "Plain";
    }

    /// <summary>A data: URL to offer a download without a request to the server (the private key is never stored).</summary>
    public static string DataUrl(string mediaType, byte[] content) => $"data:{mediaType};base64,{Convert.ToBase64String(content)}";
}
