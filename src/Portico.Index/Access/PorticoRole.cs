using Microsoft.AspNetCore.Identity;

namespace Portico.Index.Access;

/// <summary>A role (ASP.NET Core Identity) and the named permissions it grants (<see cref="Access.Permissions"/>).</summary>
public sealed class PorticoRole : IdentityRole<Guid>
{
    public PorticoRole()
    {
        Id = Guid.CreateVersion7();
    }

    public PorticoRole(string roleName)
        : this()
    {
        Name = roleName;
    }

    public ICollection<RolePermission> Permissions { get; } = new List<RolePermission>();
}
