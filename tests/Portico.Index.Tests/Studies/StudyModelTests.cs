using Microsoft.EntityFrameworkCore;
using Portico.Index.Studies;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests.Studies;

public abstract class StudyModelTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : StudyModelTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : StudyModelTests(database), IClassFixture<PostgresTestDatabase>;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_FreshDatabase_AppliesEveryMigrationAndMatchesTheModel()
    {
        await using PorticoDbContext db = database.CreateContext();

        await db.Database.MigrateAsync(Ct); // a second run is a no-op

        string[] known = db.Database.GetMigrations().ToArray();
        Assert.NotEmpty(known);
        Assert.Equal(known, await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Equal(
            database.Provider == DatabaseProvider.Sqlite ? "Microsoft.EntityFrameworkCore.Sqlite" : "Npgsql.EntityFrameworkCore.PostgreSQL",
            db.Database.ProviderName);
    }

    [Fact]
    public async Task Labels_AfterMigration_ContainTheDefaultLabels()
    {
        await using PorticoDbContext db = database.CreateContext();

        Dictionary<string, LabelId> labels = await db.Labels
            .Where(l => l.Name == DefaultLabels.Uploaded || l.Name == DefaultLabels.UploadedReviewed)
            .ToDictionaryAsync(l => l.Name, l => l.Id, Ct);

        Assert.Equal(DefaultLabels.UploadedId, labels["Uploaded"]);
        Assert.Equal(DefaultLabels.UploadedReviewedId, labels["Uploaded-Reviewed"]);
    }

    [Fact]
    public async Task SaveChanges_DuplicateLabelName_Throws()
    {
        await using PorticoDbContext db = database.CreateContext();
        db.Labels.Add(new Label { Name = DefaultLabels.Uploaded });

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task SaveChanges_DuplicateStudyInstanceUid_Throws()
    {
        string uid = await SaveStudyAsync();
        await using PorticoDbContext db = database.CreateContext();
        Study duplicate = TestData.Study(TestData.Patient(), TestData.UniqueSource());
        duplicate.StudyInstanceUid = uid;
        db.Studies.Add(duplicate);

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        Assert.Contains("StudyInstanceUid", error.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveChanges_DuplicateSeriesInstanceUid_Throws()
    {
        Instance stored = await SaveInstanceAsync();
        await using PorticoDbContext db = database.CreateContext();
        Series duplicate = TestData.Series(TestData.Study(TestData.Patient(), TestData.UniqueSource()));
        duplicate.SeriesInstanceUid = stored.Series.SeriesInstanceUid;
        db.Series.Add(duplicate);

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        Assert.Contains("SeriesInstanceUid", error.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveChanges_DuplicateSopInstanceUid_Throws()
    {
        Instance stored = await SaveInstanceAsync();
        await using PorticoDbContext db = database.CreateContext();
        Instance duplicate = TestData.Instance(TestData.Series(TestData.Study(TestData.Patient(), TestData.UniqueSource())));
        duplicate.SopInstanceUid = stored.SopInstanceUid;
        db.Instances.Add(duplicate);

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        Assert.Contains("SopInstanceUid", error.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveChanges_SamePatientIdTwice_KeepsTwoPatientRows()
    {
        string patientId = "PID-" + Guid.NewGuid().ToString("N");
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.Patients.Add(TestData.Patient("DOE^JOHN", patientId));
            db.Patients.Add(TestData.Patient("ROE^RICHARD", patientId));
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        Assert.Equal(2, await check.Patients.CountAsync(p => p.PatientId == patientId, Ct));
    }

    [Fact]
    public async Task SaveChanges_NewAndChangedRows_DeriveTheSearchColumns()
    {
        Patient patient = TestData.Patient("van Dam^Anna^^^");
        Study study = TestData.Study(patient, TestData.UniqueSource());
        study.Modalities = "us\\SR\\US";
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.Studies.Add(study);
            await db.SaveChangesAsync(Ct);
            Assert.Equal("VAN DAM ANNA", patient.PatientNameSearch);
            Assert.Equal("|US|SR|", study.ModalitiesSearch);

            study.Modalities = "CT";
            patient.PatientName = "Dam^Anna";
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        Study stored = await check.Studies.Include(s => s.Patient).SingleAsync(s => s.Id == study.Id, Ct);
        Assert.Equal("|CT|", stored.ModalitiesSearch);
        Assert.Equal("DAM ANNA", stored.Patient.PatientNameSearch);
    }

    [Fact]
    public async Task SaveChanges_StaleStudy_ThrowsConcurrencyException()
    {
        string uid = await SaveStudyAsync();
        await using PorticoDbContext first = database.CreateContext();
        await using PorticoDbContext second = database.CreateContext();
        Study a = await first.Studies.SingleAsync(s => s.StudyInstanceUid == uid, Ct);
        Study b = await second.Studies.SingleAsync(s => s.StudyInstanceUid == uid, Ct);

        a.NumberOfInstances++;
        await first.SaveChangesAsync(Ct);
        b.NumberOfInstances++;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(Ct));
    }

    [Fact]
    public async Task Instance_SavedAndRead_KeepsSourceValuesAndUtcTimes()
    {
        var wallClock = new DateTime(2024, 11, 5, 14, 30, 15, DateTimeKind.Unspecified);
        Instance instance = TestData.Instance(TestData.Series(TestData.Study(TestData.Patient(), TestData.UniqueSource(), wallClock)));
        instance.ReceivedAt = new DateTime(2025, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.Instances.Add(instance);
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        Instance stored = await check.Instances
            .Include(i => i.Series).ThenInclude(s => s.Study)
            .SingleAsync(i => i.SopInstanceUid == instance.SopInstanceUid, Ct);
        Assert.Equal(new IngestSource(IngestSourceKind.DicomIdentity, "identity-1", "Room1_EPIQ7", "192.0.2.10:104"), stored.Source);
        Assert.Equal(instance.ReceivedAt, stored.ReceivedAt);
        Assert.Equal(DateTimeKind.Utc, stored.ReceivedAt.Kind);
        Assert.Equal(wallClock, stored.Series.Study.StudyDateTime); // the wall clock is kept as is
        Assert.Equal(DateTimeKind.Utc, stored.Series.Study.StudyDateTime!.Value.Kind);
        Assert.Equal(new DateOnly(2024, 11, 5), stored.Series.Study.StudyDate);
    }

    [Fact]
    public async Task Instance_OneSourceSharedByManyInstances_SavesEach()
    {
        var source = new IngestSource(IngestSourceKind.UploadCode, "code-1", "K7Q2-9XPL", "198.51.100.7");
        Series series = TestData.Series(TestData.Study(TestData.Patient(), TestData.UniqueSource()));
        Instance first = TestData.Instance(series);
        Instance second = TestData.Instance(series);
        first.Source = source;
        second.Source = source;
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.Instances.AddRange(first, second);
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        List<IngestSource> stored = await check.Instances
            .Where(i => i.SeriesId == series.Id)
            .Select(i => i.Source)
            .ToListAsync(Ct);
        Assert.Equal([source, source], stored);
    }

    [Fact]
    public async Task Instances_ByBlobKey_AreFound()
    {
        Instance instance = await SaveInstanceAsync();
        await using PorticoDbContext db = database.CreateContext();

        Assert.True(await db.Instances.AnyAsync(i => i.BlobKey == instance.BlobKey, Ct));
        Assert.False(await db.Instances.AnyAsync(i => i.BlobKey == "blobs/none", Ct));
    }

    [Fact]
    public async Task Remove_Study_DeletesItsSeriesInstancesAndLabels()
    {
        Instance instance = await SaveInstanceAsync();
        StudyId studyId = instance.Series.StudyId;
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.StudyLabels.Add(new StudyLabel { StudyId = studyId, LabelId = DefaultLabels.UploadedId, AddedAt = TestData.Received, AddedBy = "tester" });
            await db.SaveChangesAsync(Ct);
            await db.Studies.Where(s => s.Id == studyId).ExecuteDeleteAsync(Ct);
        }

        await using PorticoDbContext check = database.CreateContext();
        Assert.False(await check.Series.AnyAsync(s => s.StudyId == studyId, Ct));
        Assert.False(await check.Instances.AnyAsync(i => i.SopInstanceUid == instance.SopInstanceUid, Ct));
        Assert.False(await check.StudyLabels.AnyAsync(l => l.StudyId == studyId, Ct));
    }

    [Fact]
    public async Task Remove_PatientWithStudies_IsRefused()
    {
        Instance instance = await SaveInstanceAsync();
        await using PorticoDbContext db = database.CreateContext();
        PatientRecordId patientId = await db.Studies.Where(s => s.Id == instance.Series.StudyId).Select(s => s.PatientRecordId).SingleAsync(Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => db.Patients.Where(p => p.Id == patientId).ExecuteDeleteAsync(Ct));
    }

    private async Task<string> SaveStudyAsync()
    {
        await using PorticoDbContext db = database.CreateContext();
        Study study = TestData.Study(TestData.Patient(), TestData.UniqueSource());
        db.Studies.Add(study);
        await db.SaveChangesAsync(Ct);
        return study.StudyInstanceUid;
    }

    private async Task<Instance> SaveInstanceAsync()
    {
        await using PorticoDbContext db = database.CreateContext();
        Instance instance = TestData.Instance(TestData.Series(TestData.Study(TestData.Patient(), TestData.UniqueSource())));
        db.Instances.Add(instance);
        await db.SaveChangesAsync(Ct);
        return instance;
    }
}
