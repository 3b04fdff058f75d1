using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Access;

namespace Portico.Index.Configurations;

internal sealed class PorticoUserConfiguration : IEntityTypeConfiguration<PorticoUser>
{
    public void Configure(EntityTypeBuilder<PorticoUser> builder)
    {
        builder.Property(u => u.DisplayName).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
    }
}
