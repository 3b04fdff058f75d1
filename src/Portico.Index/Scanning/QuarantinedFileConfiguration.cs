using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Configurations;
using Portico.Index.Conversions;

namespace Portico.Index.Scanning;

internal sealed class QuarantinedFileConfiguration : IEntityTypeConfiguration<QuarantinedFile>
{
    public void Configure(EntityTypeBuilder<QuarantinedFile> builder)
    {
        builder.ToTable("QuarantinedFiles");
        builder.HasKey(q => q.Id);
        builder.Property(q => q.Id).ValueGeneratedNever().HasConversion<TypedIdConverter<QuarantinedFileId>>();
        builder.HasIndex(q => q.QuarantinedAt);
        builder.Property(q => q.FileName).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(q => q.ZipEntry).HasMaxLength(IndexLimits.PathMaxLength);
        builder.Property(q => q.Signature).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(q => q.Sha256).IsRequired().HasMaxLength(64).IsFixedLength();
        builder.ComplexProperty(q => q.Source, IngestSourceColumns.Map);
    }
}
