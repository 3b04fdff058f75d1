namespace Portico.Web.Features.Users;

/// <summary>One row of the users table (and of <c>GET /api/users</c>).</summary>
public sealed record UserSummary(
    Guid Id,
    string Email,
    string? DisplayName,
    IReadOnlyList<string> Roles,
    bool Disabled,
    bool TwoStepEnabled,
    bool HasPassword,
    DateTime? LastSignInAt,
    DateTimeOffset? LockedOutUntil);
