using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Studies;

namespace Portico.Index.Configurations;

internal sealed class LabelConfiguration : IEntityTypeConfiguration<Label>
{
    public void Configure(EntityTypeBuilder<Label> builder)
    {
        builder.ToTable("Labels");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.Name).IsRequired().HasMaxLength(IndexLimits.LabelMaxLength);
        builder.HasIndex(l => l.Name).IsUnique();

        builder.HasData(
            new Label { Id = DefaultLabels.UploadedId, Name = DefaultLabels.Uploaded },
            new Label { Id = DefaultLabels.UploadedReviewedId, Name = DefaultLabels.UploadedReviewed });
    }
}
