namespace Portico.Index.Access;

/// <summary>One permission (a name from <see cref="Access.Permissions"/>) granted by a role.</summary>
public sealed class RolePermission
{
    public Guid RoleId { get; set; }

    public string Permission { get; set; } = "";
}
