using Portico.Index.Access;

namespace Portico.Web.Features.Users;

/// <summary>
/// <c>/api/users</c>, <c>/api/roles</c> and <c>/api/settings/security</c> for scripts: the same operations as
/// <em>Settings &gt; Users &amp; Roles</em> and <em>Security</em> (<see cref="UserAdministration"/>), with <c>Users.Manage</c>.
/// </summary>
public static class UsersApi
{
    public sealed record CreatedUser(Guid Id, string? InvitationPath);

    public sealed record CreatedRole(Guid Id);

    public sealed record SecuritySettingsResponse(int InactivityTimeoutMinutes, int MaxFailedAccessAttempts, int LockoutMinutes);

    public sealed record SecuritySettingsRequest(int InactivityTimeoutMinutes);

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Permissions.UsersManage);
        users.MapGet("/", ListUsersAsync).WithSummary("The users (disabled ones with includeDisabled=true), their roles and state.");
        users.MapPost("/", CreateUserAsync).WithSummary("Create a user with roles and a password, or without a password to get an invitation link.");
        users.MapPut("/{id:guid}", UpdateUserAsync).WithSummary("Change a user's roles or disable/enable them (null members stay as they are).");

        RouteGroupBuilder roles = app.MapGroup("/api/roles").WithTags("Users").RequireAuthorization(Permissions.UsersManage);
        roles.MapGet("/", ListRolesAsync).WithSummary("The roles and the permissions each grants.");
        roles.MapPost("/", CreateRoleAsync).WithSummary("Create a role.");
        roles.MapPut("/{id:guid}", UpdateRoleAsync).WithSummary("Rename a role or set its permissions (Administrator keeps all).");
        roles.MapDelete("/{id:guid}", DeleteRoleAsync).WithSummary("Delete a role nobody holds.");

        RouteGroupBuilder security = app.MapGroup("/api/settings/security").WithTags("Users").RequireAuthorization(Permissions.UsersManage);
        security.MapGet("/", GetSecurityAsync).WithSummary("The inactivity timeout and the lockout policy.");
        security.MapPut("/", PutSecurityAsync).WithSummary("Set the inactivity timeout (minutes).");
        return app;
    }

    private static async Task<IResult> ListUsersAsync(UserAdministration administration, bool? includeDisabled, CancellationToken cancellationToken) =>
        TypedResults.Ok(await administration.ListUsersAsync(includeDisabled ?? false, cancellationToken));

    private static async Task<IResult> CreateUserAsync(CreateUserRequest request, UserAdministration administration, HttpContext context, CancellationToken cancellationToken)
    {
        UserCreation created = await administration.CreateUserAsync(ActingUser.From(context), request, cancellationToken);
        return created.Outcome.Succeeded
            ? TypedResults.Created($"/api/users/{created.UserId}", new CreatedUser(created.UserId!.Value, created.InvitationPath))
            : created.Outcome.ToResult();
    }

    private static async Task<IResult> UpdateUserAsync(Guid id, UpdateUserRequest request, UserAdministration administration, HttpContext context, CancellationToken cancellationToken) =>
        (await administration.UpdateUserAsync(ActingUser.From(context), id, request, cancellationToken)).ToResult();

    private static async Task<IResult> ListRolesAsync(UserAdministration administration, CancellationToken cancellationToken) =>
        TypedResults.Ok(await administration.ListRolesAsync(cancellationToken));

    private static async Task<IResult> CreateRoleAsync(RoleRequest request, UserAdministration administration, HttpContext context, CancellationToken cancellationToken)
    {
        (AdminOutcome outcome, Guid? id) = await administration.CreateRoleAsync(ActingUser.From(context), request, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/roles/{id}", new CreatedRole(id!.Value)) : outcome.ToResult();
    }

    private static async Task<IResult> UpdateRoleAsync(Guid id, RoleRequest request, UserAdministration administration, HttpContext context, CancellationToken cancellationToken) =>
        (await administration.UpdateRoleAsync(ActingUser.From(context), id, request, cancellationToken)).ToResult();

    private static async Task<IResult> DeleteRoleAsync(Guid id, UserAdministration administration, HttpContext context, CancellationToken cancellationToken) =>
        (await administration.DeleteRoleAsync(ActingUser.From(context), id, cancellationToken)).ToResult();

    private static async Task<IResult> GetSecurityAsync(SecuritySettingsStore settings, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Identity.IdentityOptions> identity, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SecuritySettingsResponse(
            await settings.InactivityTimeoutMinutesAsync(cancellationToken),
            identity.Value.Lockout.MaxFailedAccessAttempts,
            (int)identity.Value.Lockout.DefaultLockoutTimeSpan.TotalMinutes));

    private static async Task<IResult> PutSecurityAsync(SecuritySettingsRequest request, SecuritySettingsStore settings, HttpContext context, CancellationToken cancellationToken) =>
        (await settings.SetInactivityTimeoutAsync(ActingUser.From(context), request.InactivityTimeoutMinutes, cancellationToken)).ToResult();
}
