using Microsoft.EntityFrameworkCore;
using Portico.Index.Studies;
using Portico.Index.StudyList;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests.StudyList;

/// <summary>
/// Each test stores its own studies under a source name no other test uses and filters by it, so it sees
/// only its own rows in the shared database.
/// </summary>
public abstract class StudyListQueriesTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : StudyListQueriesTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : StudyListQueriesTests(database), IClassFixture<PostgresTestDatabase>;

    private readonly string _source = TestData.UniqueSource();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("doe^*", new[] { "DOE^JOHN", "Doe^Jane" })]
    [InlineData("DOE*", new[] { "DOE^JOHN", "Doe^Jane", "DOERING^MAX" })]
    [InlineData("*doe", new[] { "SMITH^DOE" })]
    [InlineData("*DOE*", new[] { "DOE^JOHN", "Doe^Jane", "DOERING^MAX", "SMITH^DOE" })]
    [InlineData("doe john", new[] { "DOE^JOHN" })]
    [InlineData("Doe^Jane", new[] { "Doe^Jane" })]
    [InlineData("doe", new string[0])]
    [InlineData("SM?TH*", new[] { "SMITH^DOE", "SMYTH^ANN" })]
    public async Task SearchAsync_PatientNamePattern_MatchesWholeNameIgnoringCase(string pattern, string[] expected)
    {
        await AddStudiesAsync(
            Named("DOE^JOHN"), Named("Doe^Jane"), Named("DOERING^MAX"), Named("SMITH^DOE"), Named("SMYTH^ANN"), Named("SMIITH^BO"));

        StudyListPage page = await SearchAsync(new StudyQuery { PatientName = pattern, Sort = new(StudySortField.PatientName, SortDirection.Ascending) });

        Assert.Equal(expected.Order(StringComparer.OrdinalIgnoreCase), page.Items.Select(r => r.PatientName).Order(StringComparer.OrdinalIgnoreCase));
        Assert.Equal(expected.Length, page.Total);
    }

    [Fact]
    public async Task SearchAsync_PatientNameWithLikeMetacharacters_MatchesThemLiterally()
    {
        await AddStudiesAsync(Named("O_BRIEN^PAT"), Named("OXBRIEN^PAT"), Named("100%^PAT"), Named("1000^PAT"), Named("BACK\\SLASH^PAT"));

        Assert.Equal(["O_BRIEN^PAT"], Names(await SearchAsync(new StudyQuery { PatientName = "O_BRIEN*" })));
        Assert.Equal(["100%^PAT"], Names(await SearchAsync(new StudyQuery { PatientName = "100%*" })));
        Assert.Equal(["BACK\\SLASH^PAT"], Names(await SearchAsync(new StudyQuery { PatientName = "back\\*" })));
    }

    [Fact]
    public async Task SearchAsync_PatientId_ExactOrWildcardIgnoringCase()
    {
        string id = "MRN" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await AddStudiesAsync(
            s => s.Patient.PatientId = id,
            s => s.Patient.PatientId = id + "-2",
            s => s.Patient.PatientId = "OTHER");

        Assert.Single((await SearchAsync(new StudyQuery { PatientId = id })).Items);
        Assert.Empty((await SearchAsync(new StudyQuery { PatientId = id.ToLowerInvariant() })).Items);
        Assert.Equal(2, (await SearchAsync(new StudyQuery { PatientId = id.ToLowerInvariant() + "*" })).Total);
        Assert.Single((await SearchAsync(new StudyQuery { PatientId = id + "-?" })).Items);
    }

    [Fact]
    public async Task SearchAsync_AccessionNumber_ExactOrWildcard()
    {
        await AddStudiesAsync(s => s.AccessionNumber = "A100", s => s.AccessionNumber = "A1001", s => s.AccessionNumber = "B100");

        Assert.Equal(["A100"], Accessions(await SearchAsync(new StudyQuery { AccessionNumber = "A100" })));
        Assert.Equal(["A100", "A1001"], Accessions(await SearchAsync(new StudyQuery { AccessionNumber = "a100*" })));
        Assert.Equal(["A100", "B100"], Accessions(await SearchAsync(new StudyQuery { AccessionNumber = "?100" })));
    }

    [Fact]
    public async Task SearchAsync_BirthDate_MatchesThatDayOnly()
    {
        await AddStudiesAsync(
            s => s.Patient.BirthDate = new DateOnly(1970, 1, 1),
            s => s.Patient.BirthDate = new DateOnly(1970, 1, 2),
            s => s.Patient.BirthDate = null);

        StudyListPage page = await SearchAsync(new StudyQuery { BirthDate = new DateOnly(1970, 1, 2) });

        Assert.Equal(new DateOnly(1970, 1, 2), Assert.Single(page.Items).PatientBirthDate);
    }

    [Fact]
    public async Task SearchAsync_StudyDateRange_IncludesBothEndsAndLeavesOutUndated()
    {
        await AddStudiesAsync(
            Dated(2024, 12, 31), Dated(2025, 1, 1), Dated(2025, 1, 15), Dated(2025, 1, 31), Dated(2025, 2, 1), s => s.StudyDateTime = null);

        StudyListPage page = await SearchAsync(new StudyQuery { StudyDateFrom = new DateOnly(2025, 1, 1), StudyDateTo = new DateOnly(2025, 1, 31) });

        Assert.Equal([new DateOnly(2025, 1, 31), new DateOnly(2025, 1, 15), new DateOnly(2025, 1, 1)], page.Items.Select(r => r.StudyDate));
        Assert.Equal(4, (await SearchAsync(new StudyQuery { StudyDateFrom = new DateOnly(2025, 1, 1) })).Total);
        Assert.Equal(2, (await SearchAsync(new StudyQuery { StudyDateTo = new DateOnly(2025, 1, 1) })).Total);
    }

    [Fact]
    public async Task SearchAsync_StudyDateRange_TimesOfDayAtBothEndsAreIncluded()
    {
        await AddStudiesAsync(
            s => s.StudyDateTime = new DateTime(2025, 3, 9, 23, 59, 59),
            s => s.StudyDateTime = new DateTime(2025, 3, 10, 0, 0, 0),
            s => s.StudyDateTime = new DateTime(2025, 3, 11, 23, 59, 59),
            s => s.StudyDateTime = new DateTime(2025, 3, 12, 0, 0, 0));

        StudyListPage page = await SearchAsync(new StudyQuery { StudyDateFrom = new DateOnly(2025, 3, 10), StudyDateTo = new DateOnly(2025, 3, 11) });

        Assert.Equal([new DateTime(2025, 3, 11, 23, 59, 59), new DateTime(2025, 3, 10, 0, 0, 0)], page.Items.Select(r => r.StudyDateTime));
        Assert.Equal(2, page.Total);
    }

    [Fact]
    public async Task SearchAsync_StudyDateToLastDayOfTheCalendar_MatchesEveryDatedStudy()
    {
        await AddStudiesAsync(Dated(1900, 1, 1), Dated(2025, 1, 1), s => s.StudyDateTime = null);

        StudyListPage page = await SearchAsync(new StudyQuery { StudyDateFrom = DateOnly.MinValue, StudyDateTo = DateOnly.MaxValue });

        Assert.Equal([2025, 1900], page.Items.Select(r => r.StudyDate?.Year));
    }

    [Fact]
    public async Task SearchAsync_Modality_MatchesWholeModalityInAnyCase()
    {
        await AddStudiesAsync(s => s.Modalities = "CT\\US", s => s.Modalities = "IVUS", s => s.Modalities = "MR", s => s.Modalities = "US");

        Assert.Equal(["CT\\US", "US"], (await SearchAsync(new StudyQuery { Modality = "us" })).Items.Select(r => r.Modalities).Order());
        Assert.Equal(["IVUS"], (await SearchAsync(new StudyQuery { Modality = "IVUS" })).Items.Select(r => r.Modalities));
        Assert.Empty((await SearchAsync(new StudyQuery { Modality = "U" })).Items);
    }

    [Fact]
    public async Task SearchAsync_Description_MatchesSubstringIgnoringCase()
    {
        await AddStudiesAsync(s => s.Description = "Stress Echo", s => s.Description = "TTE rest", s => s.Description = "stress test 100%");

        Assert.Equal(2, (await SearchAsync(new StudyQuery { Description = "STRESS" })).Total);
        Assert.Equal(["stress test 100%"], (await SearchAsync(new StudyQuery { Description = "100%" })).Items.Select(r => r.Description));
        Assert.Equal(["TTE rest"], (await SearchAsync(new StudyQuery { Description = "tte*" })).Items.Select(r => r.Description));
    }

    [Fact]
    public async Task SearchAsync_Label_ReturnsLabelledStudiesWithAllTheirLabels()
    {
        List<Study> studies = await AddStudiesAsync(s => s.AccessionNumber = "L1", s => s.AccessionNumber = "L2", s => s.AccessionNumber = "L3");
        await using (PorticoDbContext db = database.CreateContext())
        {
            db.StudyLabels.AddRange(
                LabelOn(studies[0], DefaultLabels.UploadedId),
                LabelOn(studies[0], DefaultLabels.UploadedReviewedId),
                LabelOn(studies[1], DefaultLabels.UploadedReviewedId));
            await db.SaveChangesAsync(Ct);
        }

        StudyListPage uploaded = await SearchAsync(new StudyQuery { Label = DefaultLabels.Uploaded });
        StudyListPage all = await SearchAsync(new StudyQuery { Sort = new(StudySortField.AccessionNumber, SortDirection.Ascending) });

        StudyListRow row = Assert.Single(uploaded.Items);
        Assert.Equal("L1", row.AccessionNumber);
        Assert.Equal(["Uploaded", "Uploaded-Reviewed"], row.Labels);
        Assert.Equal(2, (await SearchAsync(new StudyQuery { Label = DefaultLabels.UploadedReviewed })).Total);
        Assert.Equal([["Uploaded", "Uploaded-Reviewed"], ["Uploaded-Reviewed"], []], all.Items.Select(r => r.Labels.ToArray()));
    }

    [Fact]
    public async Task SearchAsync_StatusAndSourceKind_CombineWithAnd()
    {
        await AddStudiesAsync(
            s => (s.WorkflowStatus, s.SourceKind) = (WorkflowStatus.Finalized, IngestSourceKind.UploadCode),
            s => (s.WorkflowStatus, s.SourceKind) = (WorkflowStatus.Finalized, IngestSourceKind.DicomIdentity),
            s => (s.WorkflowStatus, s.SourceKind) = (WorkflowStatus.New, IngestSourceKind.UploadCode),
            s => (s.WorkflowStatus, s.SourceKind) = (WorkflowStatus.InProgress, IngestSourceKind.User));

        StudyListPage both = await SearchAsync(new StudyQuery { Status = WorkflowStatus.Finalized, SourceKind = IngestSourceKind.UploadCode });

        StudyListRow row = Assert.Single(both.Items);
        Assert.Equal((WorkflowStatus.Finalized, IngestSourceKind.UploadCode), (row.WorkflowStatus, row.SourceKind));
        Assert.Equal(2, (await SearchAsync(new StudyQuery { Status = WorkflowStatus.Finalized })).Total);
        Assert.Equal(1, (await SearchAsync(new StudyQuery { Status = WorkflowStatus.InProgress })).Total);
        Assert.Equal(2, (await SearchAsync(new StudyQuery { SourceKind = IngestSourceKind.UploadCode })).Total);
    }

    [Fact]
    public async Task SearchAsync_DefaultSort_NewestStudyFirstAndUndatedLast()
    {
        await AddStudiesAsync(Dated(2023, 5, 1), s => s.StudyDateTime = null, Dated(2025, 5, 1), Dated(2024, 5, 1));

        StudyListPage page = await SearchAsync(new StudyQuery());

        Assert.Equal(4, page.Total);
        Assert.Equal([2025, 2024, 2023, null], page.Items.Select(r => r.StudyDateTime?.Year));
    }

    [Fact]
    public async Task SearchAsync_PagesAcrossUndatedStudies_ReturnsEveryStudyOnceInOrder()
    {
        // Five dated studies, three undated: pages of three cross from the dated rows to the undated ones.
        List<Study> studies = await AddStudiesAsync(
            Dated(2021, 1, 1), Dated(2022, 1, 1), Dated(2023, 1, 1), Dated(2024, 1, 1), Dated(2025, 1, 1),
            s => s.StudyDateTime = null, s => s.StudyDateTime = null, s => s.StudyDateTime = null);
        StudyId[] undatedNewestFirst = studies.Where(s => s.StudyDateTime is null).Select(s => s.Id).OrderByDescending(id => id.Value).ToArray();

        foreach (SortDirection direction in new[] { SortDirection.Descending, SortDirection.Ascending })
        {
            var pages = new List<StudyListPage>();
            for (int number = 1; number <= 4; number++)
            {
                pages.Add(await SearchAsync(new StudyQuery { Sort = new(StudySortField.StudyDateTime, direction), Page = number, PageSize = 3 }));
            }

            Assert.All(pages, p => Assert.Equal(8, p.Total));
            Assert.Equal([3, 3, 2, 0], pages.Select(p => p.Items.Count));
            StudyListRow[] rows = pages.SelectMany(p => p.Items).ToArray();
            int?[] years = direction == SortDirection.Descending
                ? [2025, 2024, 2023, 2022, 2021, null, null, null]
                : [2021, 2022, 2023, 2024, 2025, null, null, null];
            Assert.Equal(years, rows.Select(r => r.StudyDateTime?.Year));
            StudyId[] undated = rows.Skip(5).Select(r => r.Id).ToArray();
            Assert.Equal(direction == SortDirection.Descending ? undatedNewestFirst : undatedNewestFirst.AsEnumerable().Reverse(), undated);
        }
    }

    [Fact]
    public async Task SearchAsync_SortByReceivedAtAndPatientName_OrdersEitherWay()
    {
        await AddStudiesAsync(
            s => (s.Patient.PatientName, s.ReceivedAt) = ("BRAVO^B", TestData.Received.AddHours(1)),
            s => (s.Patient.PatientName, s.ReceivedAt) = ("alpha^a", TestData.Received.AddHours(3)),
            s => (s.Patient.PatientName, s.ReceivedAt) = ("CHARLIE^C", TestData.Received.AddHours(2)));

        Assert.Equal(["alpha^a", "CHARLIE^C", "BRAVO^B"], Names(await SearchAsync(new StudyQuery { Sort = new(StudySortField.ReceivedAt, SortDirection.Descending) })));
        Assert.Equal(["alpha^a", "BRAVO^B", "CHARLIE^C"], Names(await SearchAsync(new StudyQuery { Sort = new(StudySortField.PatientName, SortDirection.Ascending) })));
        Assert.Equal(["CHARLIE^C", "BRAVO^B", "alpha^a"], Names(await SearchAsync(new StudyQuery { Sort = new(StudySortField.PatientName, SortDirection.Descending) })));
    }

    [Fact]
    public async Task SearchAsync_PageBeyondTheEnd_ReturnsTotalAndNoRows()
    {
        await AddStudiesAsync(Dated(2025, 1, 1), Dated(2025, 1, 2));

        StudyListPage page = await SearchAsync(new StudyQuery { Page = 2, PageSize = 2 });

        Assert.Equal(2, page.Total);
        Assert.Empty(page.Items);
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(1, 0)]
    [InlineData(1, StudyQuery.MaxPageSize + 1)]
    public async Task SearchAsync_PageOrPageSizeOutOfRange_Throws(int page, int pageSize)
    {
        await using PorticoDbContext db = database.CreateContext();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => StudyListQueries.SearchAsync(db, new StudyQuery { Page = page, PageSize = pageSize }, Ct));
    }

    [Fact]
    public async Task SearchAsync_Row_CarriesStudyPatientAndSourceColumns()
    {
        List<Study> studies = await AddStudiesAsync(s =>
        {
            s.Patient.PatientName = "ROW^TEST";
            s.Patient.BirthDate = new DateOnly(1980, 2, 29);
            s.Modalities = "US\\SR";
            s.NumberOfSeries = 2;
            s.NumberOfInstances = 42;
            s.SizeBytes = 5_000_000_000;
        });

        StudyListRow row = Assert.Single((await SearchAsync(new StudyQuery())).Items);

        Study study = studies[0];
        Assert.Equal((study.Id, study.StudyInstanceUid, study.PatientRecordId), (row.Id, row.StudyInstanceUid, row.PatientRecordId));
        Assert.Equal(("ROW^TEST", study.Patient.PatientId, new DateOnly(1980, 2, 29), "F"), (row.PatientName, row.PatientId, row.PatientBirthDate, row.PatientSex));
        Assert.Equal(("US\\SR", 2, 42, 5_000_000_000L), (row.Modalities, row.NumberOfSeries, row.NumberOfInstances, row.SizeBytes));
        Assert.Equal((IngestSourceKind.DicomIdentity, _source), (row.SourceKind, row.SourceName));
        Assert.Equal(TestData.Received, row.ReceivedAt);
        Assert.DoesNotContain("ROW", row.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildPageQuery_DefaultFirstPage_ReadsTheSortIndexWithoutSorting()
    {
        await AddStudiesAsync(Dated(2025, 1, 1));
        await using PorticoDbContext db = database.CreateContext();

        // No filter: the Study List as it opens.
        await using var command = StudyListQueries.BuildPageQuery(db, new StudyQuery()).CreateDbCommand();
        string plan = await database.ExplainAsync(command, Ct);

        Assert.Contains("IX_Studies_StudyDateTime_Id", plan, StringComparison.Ordinal);
        Assert.DoesNotContain(database.SortStepMarker, plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildPageQuery_StudyDateRange_ReadsTheSortIndexWithoutSorting()
    {
        await AddStudiesAsync(Dated(2025, 1, 1));
        await using PorticoDbContext db = database.CreateContext();

        // The range is a range of the sort column: the filter, the count and the order all come from one index.
        var query = new StudyQuery { StudyDateFrom = new DateOnly(2020, 1, 1), StudyDateTo = new DateOnly(2020, 12, 31) };
        await using var command = StudyListQueries.BuildPageQuery(db, query).CreateDbCommand();
        string plan = await database.ExplainAsync(command, Ct);

        Assert.Contains("IX_Studies_StudyDateTime_Id", plan, StringComparison.Ordinal);
        Assert.DoesNotContain(database.SortStepMarker, plan, StringComparison.Ordinal);
    }

    private Task<StudyListPage> SearchAsync(StudyQuery query) => SearchInAsync(query with { SourceName = _source });

    private async Task<StudyListPage> SearchInAsync(StudyQuery query)
    {
        await using PorticoDbContext db = database.CreateContext();
        return await StudyListQueries.SearchAsync(db, query, Ct);
    }

    private async Task<List<Study>> AddStudiesAsync(params Action<Study>[] configure)
    {
        var studies = new List<Study>();
        await using PorticoDbContext db = database.CreateContext();
        foreach (Action<Study> change in configure)
        {
            Study study = TestData.Study(TestData.Patient(), _source, new DateTime(2025, 6, 1, 8, 0, 0));
            change(study);
            study.StudyDate = study.StudyDateTime is { } at ? DateOnly.FromDateTime(at) : null;
            studies.Add(study);
        }

        db.Studies.AddRange(studies);
        await db.SaveChangesAsync(Ct);
        return studies;
    }

    private static Action<Study> Named(string name) => s => s.Patient.PatientName = name;

    private static Action<Study> Dated(int year, int month, int day) => s => s.StudyDateTime = new DateTime(year, month, day, 10, 0, 0);

    private static StudyLabel LabelOn(Study study, LabelId label) =>
        new() { StudyId = study.Id, LabelId = label, AddedAt = TestData.Received, AddedBy = "reviewer@example.org" };

    private static string[] Names(StudyListPage page) => page.Items.Select(r => r.PatientName).ToArray();

    private static string[] Accessions(StudyListPage page) => page.Items.Select(r => r.AccessionNumber).Order(StringComparer.Ordinal).ToArray();
}
