using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Portico.Web.Security;

/// <summary>
/// Every endpoint names the permission it needs (<c>RequireAuthorization(Permissions.StudiesView)</c>); the policy
/// of that name requires an authenticated caller holding that permission claim, whichever scheme signed it in.
/// </summary>
public sealed class PermissionPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    public const string Schemes = "Portico";

    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (await base.GetPolicyAsync(policyName).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        return new AuthorizationPolicyBuilder(Schemes)
            .RequireAuthenticatedUser()
            .RequireClaim(PorticoClaims.Permission, policyName)
            .Build();
    }
}
