using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portico.Index.Access;
using Portico.Index.Audit;
using Portico.Index.Conversions;
using Portico.Index.Dicom;
using Portico.Index.StressTests;
using Portico.Index.Studies;
using Portico.Index.UploadPortal;

namespace Portico.Index;

/// <summary>
/// The index: studies, users and roles (ASP.NET Core Identity), API keys, DICOM Identities with their association log,
/// and the audit log, in one database
/// (SQLite by default, PostgreSQL in production). Mappings are in <c>Configurations/</c>, one per entity.
/// </summary>
public sealed class PorticoDbContext(DbContextOptions<PorticoDbContext> options)
    : IdentityDbContext<PorticoUser, PorticoRole, Guid>(options)
{
    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<Study> Studies => Set<Study>();

    public DbSet<Series> Series => Set<Series>();

    public DbSet<Instance> Instances => Set<Instance>();

    public DbSet<Label> Labels => Set<Label>();

    public DbSet<StudyLabel> StudyLabels => Set<StudyLabel>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<RolePermission> RolePermissions => Set<RolePermission>();

    public DbSet<SecuritySettings> SecuritySettings => Set<SecuritySettings>();

    public DbSet<DicomIdentity> DicomIdentities => Set<DicomIdentity>();

    public DbSet<DicomClientCertificate> DicomClientCertificates => Set<DicomClientCertificate>();

    public DbSet<DicomAssociationLogEntry> DicomAssociationLog => Set<DicomAssociationLogEntry>();

    public DbSet<UploadCode> UploadCodes => Set<UploadCode>();

    public DbSet<UploadPortalSettings> UploadPortalSettings => Set<UploadPortalSettings>();

    public DbSet<StressTestAttachment> StressTestAttachments => Set<StressTestAttachment>();

    public DbSet<PortalSession> PortalSessions => Set<PortalSession>();

    public DbSet<PortalStudy> PortalStudies => Set<PortalStudy>();

    public DbSet<PortalPatient> PortalPatients => Set<PortalPatient>();

    public DbSet<PortalAttachment> PortalAttachments => Set<PortalAttachment>();

    public DbSet<PortalFile> PortalFiles => Set<PortalFile>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        PrepareChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        PrepareChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PorticoDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<PatientRecordId>().HaveConversion<TypedIdConverter<PatientRecordId>>();
        configurationBuilder.Properties<StudyId>().HaveConversion<TypedIdConverter<StudyId>>();
        configurationBuilder.Properties<SeriesId>().HaveConversion<TypedIdConverter<SeriesId>>();
        configurationBuilder.Properties<InstanceId>().HaveConversion<TypedIdConverter<InstanceId>>();
        configurationBuilder.Properties<LabelId>().HaveConversion<TypedIdConverter<LabelId>>();
        configurationBuilder.Properties<ApiKeyId>().HaveConversion<TypedIdConverter<ApiKeyId>>();
        configurationBuilder.Properties<AuditEntryId>().HaveConversion<TypedIdConverter<AuditEntryId>>();
        configurationBuilder.Properties<DicomIdentityId>().HaveConversion<TypedIdConverter<DicomIdentityId>>();
        configurationBuilder.Properties<DicomClientCertificateId>().HaveConversion<TypedIdConverter<DicomClientCertificateId>>();
        configurationBuilder.Properties<DicomAssociationLogEntryId>().HaveConversion<TypedIdConverter<DicomAssociationLogEntryId>>();
        configurationBuilder.Properties<UploadCodeId>().HaveConversion<TypedIdConverter<UploadCodeId>>();
        configurationBuilder.Properties<StressTestAttachmentId>().HaveConversion<TypedIdConverter<StressTestAttachmentId>>();
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();

        // Enums are stored by name: readable in SQL and safe against reordering.
        configurationBuilder.Properties<WorkflowStatus>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<IngestSourceKind>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<ActorKind>().HaveConversion<string>().HaveMaxLength(32);
    }

    /// <summary>Keeps the derived search columns and the study concurrency token in step with tracked changes.</summary>
    private void PrepareChanges()
    {
        foreach (var entry in ChangeTracker.Entries<Patient>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                SearchColumns.Derive(entry.Entity);
            }
        }

        foreach (var entry in ChangeTracker.Entries<Study>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified)
            {
                SearchColumns.Derive(entry.Entity);
            }

            if (entry.State == EntityState.Modified)
            {
                entry.Entity.Version = Guid.NewGuid();
            }
        }
    }
}
