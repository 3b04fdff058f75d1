using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.UploadPortal;

namespace Portico.Index.Configurations;

internal sealed class UploadCodeConfiguration : IEntityTypeConfiguration<UploadCode>
{
    public void Configure(EntityTypeBuilder<UploadCode> builder)
    {
        builder.ToTable("UploadCodes");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.CodeHash).IsRequired().HasMaxLength(64).IsFixedLength();
        builder.HasIndex(c => c.CodeHash).IsUnique();
        builder.Property(c => c.IssuedTo).HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(c => c.Note).HasMaxLength(1024);
        builder.Property(c => c.CreatedBy).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(c => c.RevokedBy).HasMaxLength(IndexLimits.NameMaxLength);
        builder.HasIndex(c => c.CreatedAt);
    }
}
