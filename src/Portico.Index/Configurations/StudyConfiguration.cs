using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Studies;

namespace Portico.Index.Configurations;

internal sealed class StudyConfiguration : IEntityTypeConfiguration<Study>
{
    public void Configure(EntityTypeBuilder<Study> builder)
    {
        builder.ToTable("Studies");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();

        builder.Property(s => s.StudyInstanceUid).IsRequired().HasMaxLength(IndexLimits.UidMaxLength);
        builder.HasIndex(s => s.StudyInstanceUid).IsUnique();

        builder.HasOne(s => s.Patient)
            .WithMany(p => p.Studies)
            .HasForeignKey(s => s.PatientRecordId)
            .OnDelete(DeleteBehavior.Restrict);

        builder.Property(s => s.StudyTime).IsRequired().HasMaxLength(IndexLimits.TimeMaxLength);
        builder.Property(s => s.Description).IsRequired();
        builder.Property(s => s.AccessionNumber).IsRequired();
        builder.Property(s => s.ReferringPhysicianName).IsRequired();
        builder.Property(s => s.Modalities).IsRequired();
        builder.Property(s => s.ModalitiesSearch).IsRequired();
        builder.Property(s => s.SourceName).HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(s => s.Version).IsConcurrencyToken();

        // Study List: the default sort (newest first) and the common filters. The sort indexes end with the key,
        // the tie-breaker of every sort, so a first page is read straight off the index.
        builder.HasIndex(s => new { s.StudyDateTime, s.Id }).IsDescending(true, true);
        builder.HasIndex(s => new { s.ReceivedAt, s.Id }).IsDescending(true, true);
        builder.HasIndex(s => s.AccessionNumber);
        builder.HasIndex(s => s.ModalitiesSearch);
        builder.HasIndex(s => s.WorkflowStatus);

        builder.HasMany(s => s.Series).WithOne(s => s.Study).HasForeignKey(s => s.StudyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Labels).WithOne(l => l.Study).HasForeignKey(l => l.StudyId).OnDelete(DeleteBehavior.Cascade);
    }
}
