using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Studies;

namespace Portico.Index.Configurations;

internal sealed class StudyLabelConfiguration : IEntityTypeConfiguration<StudyLabel>
{
    public void Configure(EntityTypeBuilder<StudyLabel> builder)
    {
        builder.ToTable("StudyLabels");
        builder.HasKey(l => new { l.StudyId, l.LabelId });
        builder.HasOne(l => l.Label).WithMany().HasForeignKey(l => l.LabelId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(l => l.AddedBy).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
    }
}
