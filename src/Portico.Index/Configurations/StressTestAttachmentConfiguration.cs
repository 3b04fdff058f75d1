using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.StressTests;

namespace Portico.Index.Configurations;

internal sealed class StressTestAttachmentConfiguration : IEntityTypeConfiguration<StressTestAttachment>
{
    public void Configure(EntityTypeBuilder<StressTestAttachment> builder)
    {
        builder.ToTable("StressTestAttachments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.HasOne(a => a.Study).WithMany().HasForeignKey(a => a.StudyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.StudyId);
        builder.Property(a => a.XmlSha256).IsRequired().HasMaxLength(64).IsFixedLength();
        builder.HasIndex(a => a.XmlSha256).IsUnique();
        builder.Property(a => a.XmlBlobKey).IsRequired().HasMaxLength(IndexLimits.BlobKeyMaxLength);
        builder.HasIndex(a => a.XmlBlobKey);
        builder.Property(a => a.XmlFileName).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(a => a.Vendor).IsRequired().HasMaxLength(64);
        builder.Property(a => a.SummaryJson).IsRequired();
        builder.Property(a => a.PdfSopInstanceUid).HasMaxLength(64);
        builder.Property(a => a.MatchedBy).IsRequired().HasMaxLength(64);
        builder.Property(a => a.ImportedBy).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
    }
}
