using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Studies;

namespace Portico.Index.Configurations;

internal sealed class InstanceConfiguration : IEntityTypeConfiguration<Instance>
{
    public void Configure(EntityTypeBuilder<Instance> builder)
    {
        builder.ToTable("Instances");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();

        builder.Property(i => i.SopInstanceUid).IsRequired().HasMaxLength(IndexLimits.UidMaxLength);
        builder.HasIndex(i => i.SopInstanceUid).IsUnique();

        builder.Property(i => i.SopClassUid).IsRequired().HasMaxLength(IndexLimits.UidMaxLength);
        builder.Property(i => i.TransferSyntaxUid).IsRequired().HasMaxLength(IndexLimits.UidMaxLength);
        builder.Property(i => i.Sha256).IsRequired().HasMaxLength(64).IsFixedLength();
        builder.Property(i => i.BlobKey).IsRequired().HasMaxLength(IndexLimits.BlobKeyMaxLength);
        builder.HasIndex(i => i.BlobKey);

        // A value object in the instance's own columns (complex type), so one IngestSource may be shared.
        builder.ComplexProperty(i => i.Source, IngestSourceColumns.Map);
    }
}
