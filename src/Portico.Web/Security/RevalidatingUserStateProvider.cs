using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portico.Index.Access;

namespace Portico.Web.Security;

/// <summary>
/// An open page keeps its sign-in only while the account still exists, is enabled and has the same security stamp
/// (changed by a new password, new roles or two-step verification): checked every minute.
/// </summary>
public sealed class RevalidatingUserStateProvider(ILoggerFactory loggers, IServiceScopeFactory scopes, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        UserManager<PorticoUser> users = scope.ServiceProvider.GetRequiredService<UserManager<PorticoUser>>();
        PorticoUser? user = await users.GetUserAsync(authenticationState.User).ConfigureAwait(false);
        if (user is null || user.Disabled)
        {
            return false;
        }

        if (!users.SupportsUserSecurityStamp)
        {
            return true;
        }

        string? principalStamp = authenticationState.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return principalStamp == await users.GetSecurityStampAsync(user).ConfigureAwait(false);
    }
}
