using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portico.Index.Studies;

namespace Portico.Index.Configurations;

internal sealed class PatientConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> builder)
    {
        builder.ToTable("Patients");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();

        // DICOM text values are not length-limited here: devices exceed the VR limits, and ingest must not fail on it.
        builder.Property(p => p.PatientId).IsRequired();
        builder.Property(p => p.IssuerOfPatientId).IsRequired();
        builder.Property(p => p.PatientName).IsRequired();
        builder.Property(p => p.PatientNameSearch).IsRequired();
        builder.Property(p => p.Sex).IsRequired().HasMaxLength(IndexLimits.CodeStringMaxLength);

        // Not unique: outside Patient IDs collide (see Patient).
        builder.HasIndex(p => new { p.PatientId, p.IssuerOfPatientId });
        builder.HasIndex(p => p.PatientNameSearch);
    }
}
