using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Portico.Index.Access;

namespace Portico.Web.Components.Layout;

/// <summary>One page of <em>Settings</em>, shown only to users holding its permission.</summary>
public sealed record SettingsLink(string Group, string Title, string Href, string Permission)
{
    /// <summary>Every settings page, in menu order.</summary>
    public static IReadOnlyList<SettingsLink> All { get; } =
    [
        new("Devices", "DICOM", "/settings/devices/dicom", Permissions.IntegrationsDicom),
        new("Integrations", "Agents", "/settings/integrations/agents", Permissions.UsersManage),
        new("Upload Portal", "Portal settings", "/settings/upload-portal", Permissions.UploadPortalManage),
        new("Upload Portal", "Upload codes", "/settings/upload-codes", Permissions.UploadPortalManage),
        new("Upload Portal", "Quarantine", "/settings/upload-portal/quarantine", Permissions.UploadPortalManage),
        new("People", "Users & Roles", "/settings/users", Permissions.UsersManage),
        new("People", "Security", "/settings/security", Permissions.UsersManage),
    ];

    public static async Task<IReadOnlyList<SettingsLink>> AllowedAsync(IAuthorizationService authorization, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var allowed = new List<SettingsLink>();
        foreach (SettingsLink link in All)
        {
            if ((await authorization.AuthorizeAsync(user, link.Permission).ConfigureAwait(false)).Succeeded)
            {
                allowed.Add(link);
            }
        }

        return allowed;
    }
}
