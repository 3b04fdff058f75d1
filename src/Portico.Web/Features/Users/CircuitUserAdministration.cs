using Microsoft.AspNetCore.Authorization;
using Portico.Index.Access;
using Portico.Web.Security;

namespace Portico.Web.Features.Users;

/// <summary>
/// <see cref="UserAdministration"/> for the pages: a new scope (and database context) per operation, the permission
/// checked again before every change, and the signed-in user and address as the audit's who and where.
/// </summary>
public sealed class CircuitUserAdministration(IServiceScopeFactory scopes, CircuitActor actor, IAuthorizationService authorization)
{
    public const string Refused = "You need the Users.Manage permission to do this.";

    public async Task<T> QueryAsync<T>(Func<UserAdministration, Task<T>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<UserAdministration>());
    }

    /// <summary>Runs a change; refused (without running it) when the user no longer holds <c>Users.Manage</c>.</summary>
    public async Task<AdminOutcome> ChangeAsync(Func<UserAdministration, ActingUser, Task<AdminOutcome>> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        ActingUser acting = await ActingUser.FromAsync(actor);
        if (!(await authorization.AuthorizeAsync(acting.User, Permissions.UsersManage)).Succeeded)
        {
            return AdminOutcome.Conflict(Refused);
        }

        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await change(scope.ServiceProvider.GetRequiredService<UserAdministration>(), acting);
    }
}
