namespace Portico.Web.Features.Users;

/// <summary>A role, the permissions it grants and how many people hold it.</summary>
public sealed record RoleSummary(Guid Id, string Name, IReadOnlyList<string> Permissions, int UserCount)
{
    /// <summary>The Administrator role always keeps every permission, keeps its name and cannot be deleted.</summary>
    public bool IsAdministrator => Id == Portico.Index.Access.DefaultRoles.AdministratorId;
}
