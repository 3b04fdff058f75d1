using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Access;

namespace Portico.Index.Configurations;

internal sealed class PorticoRoleConfiguration : IEntityTypeConfiguration<PorticoRole>
{
    public void Configure(EntityTypeBuilder<PorticoRole> builder)
    {
        builder.HasMany(r => r.Permissions).WithOne().HasForeignKey(p => p.RoleId).OnDelete(DeleteBehavior.Cascade);

        // Seed data must be deterministic, or every build would see a model change: fixed ids and stamps.
        builder.HasData(DefaultRoles.All.Select(role => new PorticoRole
        {
            Id = role.Id,
            Name = role.Name,
            NormalizedName = role.Name.ToUpperInvariant(),
            ConcurrencyStamp = role.Id.ToString(),
        }));
    }
}
