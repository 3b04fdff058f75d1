using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portico.Index;
using Portico.Index.Access;

namespace Portico.Web.Security;

/// <summary>At sign-in, adds one claim per permission of the user's roles (cumulative, DESIGN.md).</summary>
public sealed class PermissionClaimsPrincipalFactory(
    UserManager<PorticoUser> users,
    RoleManager<PorticoRole> roles,
    IOptions<IdentityOptions> options,
    PorticoDbContext db) : UserClaimsPrincipalFactory<PorticoUser, PorticoRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PorticoUser user)
    {
        ClaimsIdentity identity = await base.GenerateClaimsAsync(user).ConfigureAwait(false);
        identity.AddClaim(new Claim(PorticoClaims.ActorKind, "User"));
        foreach (string permission in await AccessQueries.GetUserPermissionsAsync(db, user.Id, CancellationToken.None).ConfigureAwait(false))
        {
            identity.AddClaim(new Claim(PorticoClaims.Permission, permission));
        }

        return identity;
    }
}
