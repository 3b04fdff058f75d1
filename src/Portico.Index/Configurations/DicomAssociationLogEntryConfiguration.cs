using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Dicom;

namespace Portico.Index.Configurations;

internal sealed class DicomAssociationLogEntryConfiguration : IEntityTypeConfiguration<DicomAssociationLogEntry>
{
    public void Configure(EntityTypeBuilder<DicomAssociationLogEntry> builder)
    {
        builder.ToTable("DicomAssociationLog");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.CallingAETitle).HasMaxLength(DicomIdentity.AETitleMaxLength);
        builder.Property(e => e.CalledAETitle).HasMaxLength(DicomIdentity.AETitleMaxLength);
        builder.Property(e => e.RemoteAddress).HasMaxLength(IndexLimits.AddressMaxLength);
        builder.Property(e => e.TlsMode).IsRequired().HasMaxLength(32);
        builder.Property(e => e.Outcome).IsRequired().HasMaxLength(32);
        builder.Property(e => e.RejectResult).HasMaxLength(32);
        builder.Property(e => e.RejectSource).HasMaxLength(32);
        builder.Property(e => e.RejectReason).HasMaxLength(64);
        builder.Property(e => e.Detail).HasMaxLength(IndexLimits.ReasonMaxLength);
        // Newest first, by time (retention sweep, the log page), by caller (troubleshooting), by identity.
        builder.HasIndex(e => e.StartedAt);
        builder.HasIndex(e => new { e.CallingAETitle, e.StartedAt });
        builder.HasIndex(e => new { e.IdentityId, e.StartedAt });
    }
}
