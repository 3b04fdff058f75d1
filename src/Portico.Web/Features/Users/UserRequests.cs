namespace Portico.Web.Features.Users;

/// <summary>A new user: e-mail, roles, and a password set now, or none for an invitation link.</summary>
public sealed record CreateUserRequest(string Email, string? DisplayName, IReadOnlyList<string> Roles, string? Password);

/// <summary>Changes to a user; a null member leaves that part as it is.</summary>
public sealed record UpdateUserRequest(IReadOnlyList<string>? Roles, bool? Disabled, string? DisplayName = null);

/// <summary>A role's name and the permissions it grants.</summary>
public sealed record RoleRequest(string Name, IReadOnlyList<string> Permissions);

/// <summary>The result of creating a user: the outcome, the new id, and the invitation link path when no password was set.</summary>
public sealed record UserCreation(AdminOutcome Outcome, Guid? UserId = null, string? InvitationPath = null);
