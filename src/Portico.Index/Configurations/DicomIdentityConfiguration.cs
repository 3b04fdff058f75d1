using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Dicom;

namespace Portico.Index.Configurations;

internal sealed class DicomIdentityConfiguration : IEntityTypeConfiguration<DicomIdentity>
{
    public void Configure(EntityTypeBuilder<DicomIdentity> builder)
    {
        builder.ToTable("DicomIdentities");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Name).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        // Unique and compared exactly: ordinal in SQLite (BINARY) and PostgreSQL (deterministic collation).
        builder.Property(i => i.AETitle).IsRequired().HasMaxLength(DicomIdentity.AETitleMaxLength);
        builder.HasIndex(i => i.AETitle).IsUnique();
        builder.Property(i => i.AllowedOperations).HasConversion<string>().HasMaxLength(64);
        builder.Property(i => i.Host).HasMaxLength(DicomIdentity.HostMaxLength);
        builder.PrimitiveCollection(i => i.AllowedAddresses);
        builder.Property(i => i.LastRefusalReason).HasMaxLength(IndexLimits.ReasonMaxLength);
        builder.HasMany(i => i.ClientCertificates).WithOne(c => c.Identity).HasForeignKey(c => c.IdentityId).OnDelete(DeleteBehavior.Cascade);
    }
}
