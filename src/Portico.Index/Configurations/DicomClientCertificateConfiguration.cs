using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Dicom;

namespace Portico.Index.Configurations;

internal sealed class DicomClientCertificateConfiguration : IEntityTypeConfiguration<DicomClientCertificate>
{
    public void Configure(EntityTypeBuilder<DicomClientCertificate> builder)
    {
        builder.ToTable("DicomClientCertificates");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.SerialNumber).IsRequired().HasMaxLength(64);
        builder.Property(c => c.Thumbprint).IsRequired().HasMaxLength(64).IsFixedLength();
        builder.HasIndex(c => c.Thumbprint).IsUnique();
        builder.Property(c => c.Subject).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.HasIndex(c => c.IdentityId);
    }
}
