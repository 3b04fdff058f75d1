using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Access;

namespace Portico.Index.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("ApiKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.Name).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(k => k.KeyHash).IsRequired().HasMaxLength(64).IsFixedLength();
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.Property(k => k.Prefix).IsRequired().HasMaxLength(ApiKeySecret.PrefixLength);
        builder.PrimitiveCollection(k => k.Permissions);
        builder.HasOne(k => k.User).WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
