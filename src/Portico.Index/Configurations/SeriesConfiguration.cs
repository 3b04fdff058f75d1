using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Studies;

namespace Portico.Index.Configurations;

internal sealed class SeriesConfiguration : IEntityTypeConfiguration<Series>
{
    public void Configure(EntityTypeBuilder<Series> builder)
    {
        builder.ToTable("Series");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();

        builder.Property(s => s.SeriesInstanceUid).IsRequired().HasMaxLength(IndexLimits.UidMaxLength);
        builder.HasIndex(s => s.SeriesInstanceUid).IsUnique();

        builder.Property(s => s.Modality).IsRequired().HasMaxLength(IndexLimits.CodeStringMaxLength);
        builder.Property(s => s.Description).IsRequired();
        builder.Property(s => s.BodyPartExamined).IsRequired();

        builder.HasMany(s => s.Instances).WithOne(i => i.Series).HasForeignKey(i => i.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}
