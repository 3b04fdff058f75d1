using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Audit;

namespace Portico.Index.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Actor).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(a => a.Action).IsRequired().HasMaxLength(128);
        builder.Property(a => a.Target).IsRequired();
        builder.Property(a => a.RemoteAddress).HasMaxLength(IndexLimits.AddressMaxLength);
        builder.HasIndex(a => a.At);
    }
}
