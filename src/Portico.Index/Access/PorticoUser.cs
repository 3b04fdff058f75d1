using Microsoft.AspNetCore.Identity;

namespace Portico.Index.Access;

/// <summary>A staff account (ASP.NET Core Identity). Permissions come from its roles (<see cref="RolePermission"/>).</summary>
public sealed class PorticoUser : IdentityUser<Guid>
{
    public PorticoUser()
    {
        Id = Guid.CreateVersion7();
    }

    public PorticoUser(string userName)
        : this()
    {
        UserName = userName;
    }

    /// <summary>Name shown in the app and in the audit log.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>A disabled user cannot sign in, and API keys owned by them stop working.</summary>
    public bool Disabled { get; set; }
}
