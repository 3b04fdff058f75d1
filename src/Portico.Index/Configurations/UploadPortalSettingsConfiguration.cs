using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.UploadPortal;

namespace Portico.Index.Configurations;

internal sealed class UploadPortalSettingsConfiguration : IEntityTypeConfiguration<UploadPortalSettings>
{
    public void Configure(EntityTypeBuilder<UploadPortalSettings> builder)
    {
        builder.ToTable("UploadPortalSettings");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.InstitutionName).IsRequired().HasMaxLength(256);
        builder.Property(s => s.Phone).IsRequired().HasMaxLength(64);
        builder.Property(s => s.Email).IsRequired().HasMaxLength(256);
        builder.Property(s => s.ManualUrl).IsRequired().HasMaxLength(1024);
        builder.Property(s => s.PrivacyPolicy).IsRequired().HasMaxLength(32 * 1024);
        builder.Property(s => s.ConsentText).IsRequired().HasMaxLength(8 * 1024);
        builder.Property(s => s.UpdatedBy).HasMaxLength(IndexLimits.NameMaxLength);
    }
}
