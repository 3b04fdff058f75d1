using Microsoft.EntityFrameworkCore;
using Portico.Index.Studies;
using Portico.Index.StudyList;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests;

/// <summary>
/// Text holding a NUL character (U+0000) that reaches the index through EF Core. PostgreSQL refuses such text in any
/// parameter ("invalid byte sequence for encoding UTF8: 0x00"). The HTTP API answers 400 before that, but a field of
/// a web page (a Study List filter, a device's name) comes through the Blazor circuit, where no such guard stands: on
/// PostgreSQL the page failed. The index now leaves NULs out of every text parameter, on both providers alike.
/// </summary>
public abstract class NulCharactersTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : NulCharactersTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : NulCharactersTests(database), IClassFixture<PostgresTestDatabase>;

    private readonly string _source = TestData.UniqueSource();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StudyListFilters_HoldingNul_MatchAsIfItWereNotThere()
    {
        string accession = "ACC" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await AddStudyAsync(s =>
        {
            s.Patient.PatientName = "NULTEST^ANNA";
            s.AccessionNumber = accession;
            s.Description = "Chest CT";
        });

        await using PorticoDbContext db = database.CreateContext();
        StudyListPage byName = await StudyListQueries.SearchAsync(db, new StudyQuery { SourceName = _source, PatientName = "NUL\0TEST^*" }, Ct);
        StudyListPage byAll = await StudyListQueries.SearchAsync(
            db,
            new StudyQuery
            {
                SourceName = _source + "\0",
                Text = "nul\0test",
                AccessionNumber = accession[..4] + "\0" + accession[4..],
                Description = "Chest\0*",
                Modality = "U\0S",
            },
            Ct);
        StudyListPage byLabel = await StudyListQueries.SearchAsync(db, new StudyQuery { SourceName = _source, Label = "Uploaded\0" }, Ct);

        Assert.Equal(["NULTEST^ANNA"], byName.Items.Select(r => r.PatientName));
        Assert.Equal([accession], byAll.Items.Select(r => r.AccessionNumber));
        Assert.Empty(byLabel.Items);
    }

    [Fact]
    public async Task TextWrittenWithNul_IsStoredWithout()
    {
        string name = "Ward\0 7 " + Guid.NewGuid().ToString("N")[..8];
        var label = new Label { Name = name };
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.Labels.Add(label);
            await db.SaveChangesAsync(Ct);
            label.Name = name + "\0!";
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext read = database.CreateContext();
        Label stored = await read.Labels.SingleAsync(l => l.Id == label.Id, Ct);
        Assert.Equal(name.Replace("\0", "", StringComparison.Ordinal) + "!", stored.Name);
        Assert.True(await read.Labels.AnyAsync(l => l.Name == name + "!", Ct), "a look-up with the NUL finds it too");
        List<string> names = [name + "!", "none\0"];
        Assert.Equal(1, await read.Labels.CountAsync(l => names.Contains(l.Name), Ct));
    }

    private async Task AddStudyAsync(Action<Study> change)
    {
        await using PorticoDbContext db = database.CreateContext();
        Study study = TestData.Study(TestData.Patient(), _source, new DateTime(2025, 6, 1, 8, 0, 0));
        change(study);
        db.Studies.Add(study);
        await db.SaveChangesAsync(Ct);
    }
}
