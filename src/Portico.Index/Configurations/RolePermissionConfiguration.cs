using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Access;

namespace Portico.Index.Configurations;

internal sealed class RolePermissionConfiguration : IEntityTypeConfiguration<RolePermission>
{
    public void Configure(EntityTypeBuilder<RolePermission> builder)
    {
        builder.ToTable("RolePermissions");
        builder.HasKey(p => new { p.RoleId, p.Permission });
        builder.Property(p => p.Permission).HasMaxLength(Permissions.MaxLength);

        builder.HasData(DefaultRoles.All.SelectMany(role =>
            role.Permissions.Select(permission => new RolePermission { RoleId = role.Id, Permission = permission })));
    }
}
