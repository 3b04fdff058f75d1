using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.UploadPortal;

namespace Portico.Index.Configurations;

internal sealed class PortalSessionConfiguration : IEntityTypeConfiguration<PortalSession>
{
    public void Configure(EntityTypeBuilder<PortalSession> builder)
    {
        builder.ToTable("PortalSessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasOne<UploadCode>().WithMany().HasForeignKey(s => s.UploadCodeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => s.UploadCodeId);
        builder.Property(s => s.CodeHint).IsRequired().HasMaxLength(8);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(32);
        builder.HasIndex(s => s.State);
        builder.Property(s => s.Email).HasMaxLength(256);
        builder.Property(s => s.Phone).HasMaxLength(32);
        builder.Property(s => s.RemoteAddress).HasMaxLength(64);
        builder.Property(s => s.Message).HasMaxLength(1024);
        builder.HasMany(s => s.Studies).WithOne().HasForeignKey(s => s.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Patients).WithOne().HasForeignKey(p => p.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PortalStudyConfiguration : IEntityTypeConfiguration<PortalStudy>
{
    public void Configure(EntityTypeBuilder<PortalStudy> builder)
    {
        builder.ToTable("PortalStudies");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.StudyInstanceUid).IsRequired().HasMaxLength(64);
        builder.HasIndex(s => new { s.SessionId, s.StudyInstanceUid }).IsUnique();
        builder.HasIndex(s => s.StudyInstanceUid);
        builder.Property(s => s.Comment).HasMaxLength(1024);
        builder.Property(s => s.OriginalPatientId).HasMaxLength(IndexLimits.LongStringMaxLength);
        builder.Property(s => s.NewPatientId).HasMaxLength(64);
        builder.Property(s => s.OriginalAccessionNumber).HasMaxLength(IndexLimits.LongStringMaxLength);
        builder.Property(s => s.NewAccessionNumber).HasMaxLength(16);
        builder.HasIndex(s => s.NewAccessionNumber).IsUnique();
    }
}

internal sealed class PortalPatientConfiguration : IEntityTypeConfiguration<PortalPatient>
{
    public void Configure(EntityTypeBuilder<PortalPatient> builder)
    {
        builder.ToTable("PortalPatients");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.OriginalKey).IsRequired().HasMaxLength(64).IsFixedLength();
        builder.HasIndex(p => new { p.SessionId, p.OriginalKey }).IsUnique();
        builder.Property(p => p.OriginalPatientId).IsRequired().HasMaxLength(IndexLimits.LongStringMaxLength);
        builder.Property(p => p.NewPatientId).IsRequired().HasMaxLength(64);
        builder.HasIndex(p => p.NewPatientId).IsUnique();
    }
}

internal sealed class PortalAttachmentConfiguration : IEntityTypeConfiguration<PortalAttachment>
{
    public void Configure(EntityTypeBuilder<PortalAttachment> builder)
    {
        builder.ToTable("PortalAttachments");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.HasOne<PortalSession>().WithMany().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.StudyInstanceUid).IsRequired().HasMaxLength(64);
        builder.HasIndex(a => a.StudyInstanceUid);
        builder.Property(a => a.FileName).IsRequired().HasMaxLength(IndexLimits.NameMaxLength);
        builder.Property(a => a.ContentType).IsRequired().HasMaxLength(64);
        builder.Property(a => a.BlobKey).IsRequired().HasMaxLength(IndexLimits.BlobKeyMaxLength);
        builder.HasIndex(a => a.BlobKey);
    }
}

internal sealed class PortalFileConfiguration : IEntityTypeConfiguration<PortalFile>
{
    public void Configure(EntityTypeBuilder<PortalFile> builder)
    {
        builder.ToTable("PortalFiles");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.HasOne<PortalSession>().WithMany().HasForeignKey(f => f.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(f => f.SessionId);
        builder.Property(f => f.UploadId).IsRequired().HasMaxLength(32).IsFixedLength();
        builder.HasIndex(f => f.UploadId).IsUnique();
        builder.Property(f => f.Kind).IsRequired().HasMaxLength(16);
        builder.Property(f => f.StudyInstanceUid).HasMaxLength(64);
        builder.Property(f => f.FileName).IsRequired().HasMaxLength(IndexLimits.PathMaxLength);
        builder.Property(f => f.Status).IsRequired().HasMaxLength(16);
        builder.Property(f => f.Reason).HasMaxLength(1024);
    }
}
