using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portico.Index.Studies;

namespace Portico.Index.StudyList;

/// <summary>
/// The Study List query: filters, sort and paging with the total. The default first page (50 newest) reads the
/// <c>(StudyDateTime DESC, Id DESC)</c> index and stops after 50 rows on both providers. Nothing here logs.
/// </summary>
public static class StudyListQueries
{
    public static async Task<StudyListPage> SearchAsync(
        PorticoDbContext db, StudyQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(query);
        Validate(query);

        IQueryable<Study> filtered = Filter(db, query);
        int total = await filtered.CountAsync(cancellationToken);
        int skip = (query.Page - 1) * query.PageSize;
        if (skip >= total)
        {
            return new StudyListPage(total, []);
        }

        List<StudyListRow> rows = await ReadPageAsync(filtered, query.Sort, skip, query.PageSize, total, cancellationToken);
        return new StudyListPage(total, await AddLabelsAsync(db, rows, cancellationToken));
    }

    /// <summary>The query that reads a page's rows with a value in the sort column (for plan tests).</summary>
    internal static IQueryable<StudyListRow> BuildPageQuery(PorticoDbContext db, StudyQuery query)
    {
        Validate(query);
        IQueryable<Study> filtered = Filter(db, query);
        bool descending = query.Sort.Direction == SortDirection.Descending;
        if (NullableKey(query.Sort.Field) is { } key)
        {
            filtered = filtered.Where(key.HasValue);
        }

        return Project(Order(filtered, query.Sort.Field, descending).Skip((query.Page - 1) * query.PageSize).Take(query.PageSize));
    }

    private static void Validate(StudyQuery query)
    {
        if (query.Page < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Page, "Page starts at 1.");
        }

        if (query.PageSize is < 1 or > StudyQuery.MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, $"PageSize must be between 1 and {StudyQuery.MaxPageSize}.");
        }

        if ((long)(query.Page - 1) * query.PageSize > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Page, "Page is too large.");
        }
    }

    private static IQueryable<Study> Filter(PorticoDbContext db, StudyQuery query)
    {
        IQueryable<Study> studies = db.Studies.AsNoTracking();
        if (Present(query.PatientName) is { } patientName)
        {
            string normalized = PersonNameSearch.Normalize(patientName);
            if (WildcardPattern.HasWildcards(normalized))
            {
                string like = WildcardPattern.ToLike(normalized);
                studies = studies.Where(s => EF.Functions.Like(s.Patient.PatientNameSearch, like, WildcardPattern.Escape));
            }
            else
            {
                studies = studies.Where(s => s.Patient.PatientNameSearch == normalized);
            }
        }

        if (Present(query.Text) is { } text)
        {
            // One scan over the studies and their patients: a substring of the name has no index to use. At 100,000
            // studies this stays in tens of milliseconds on SQLite.
            string name = $"%{WildcardPattern.ToLike(PersonNameSearch.Normalize(text).Replace('*', ' ').Replace('?', ' '))}%";
            string start = WildcardPattern.ToLike(text.ToUpperInvariant().Replace('*', ' ').Replace('?', ' ').Trim()) + "%";
            studies = studies.Where(s =>
                EF.Functions.Like(s.Patient.PatientNameSearch, name, WildcardPattern.Escape)
                || EF.Functions.Like(s.Patient.PatientId.ToUpper(), start, WildcardPattern.Escape)
                || EF.Functions.Like(s.AccessionNumber.ToUpper(), start, WildcardPattern.Escape));
        }

        if (Present(query.PatientId) is { } patientId)
        {
            if (WildcardPattern.HasWildcards(patientId))
            {
                string like = WildcardPattern.ToLike(patientId.ToUpperInvariant());
                studies = studies.Where(s => EF.Functions.Like(s.Patient.PatientId.ToUpper(), like, WildcardPattern.Escape));
            }
            else
            {
                studies = studies.Where(s => s.Patient.PatientId == patientId);
            }
        }

        if (query.BirthDate is { } birthDate)
        {
            studies = studies.Where(s => s.Patient.BirthDate == birthDate);
        }

        // A date range is a range of StudyDateTime (whose date part is StudyDate, see Study), so the filter, the
        // count and the default sort all read the (StudyDateTime DESC, Id DESC) index; StudyDate has no index.
        if (query.StudyDateFrom is { } from)
        {
            DateTime start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            studies = studies.Where(s => s.StudyDateTime >= start);
        }

        if (query.StudyDateTo is { } to && to < DateOnly.MaxValue)
        {
            DateTime end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc); // the start of the next day
            studies = studies.Where(s => s.StudyDateTime < end);
        }
        else if (query.StudyDateTo is not null)
        {
            studies = studies.Where(s => s.StudyDateTime != null); // up to the last day of the calendar: any date
        }

        if (Present(query.Modality) is { } modality)
        {
            string token = ModalitiesSearch.Token(modality);
            studies = studies.Where(s => s.ModalitiesSearch.Contains(token));
        }

        if (Present(query.AccessionNumber) is { } accession)
        {
            if (WildcardPattern.HasWildcards(accession))
            {
                string like = WildcardPattern.ToLike(accession.ToUpperInvariant());
                studies = studies.Where(s => EF.Functions.Like(s.AccessionNumber.ToUpper(), like, WildcardPattern.Escape));
            }
            else
            {
                studies = studies.Where(s => s.AccessionNumber == accession);
            }
        }

        if (Present(query.Description) is { } description)
        {
            // With wildcards the pattern matches the whole description; without, it is a substring.
            string like = WildcardPattern.ToLike(description.ToUpperInvariant());
            if (!WildcardPattern.HasWildcards(description))
            {
                like = $"%{like}%";
            }

            studies = studies.Where(s => EF.Functions.Like(s.Description.ToUpper(), like, WildcardPattern.Escape));
        }

        if (Present(query.Label) is { } label)
        {
            // "Id IN (the label's studies)" rather than a correlated EXISTS per study: the planner can start from the
            // label's rows (a rare label) or probe them while reading the sort index (a common one), and the count
            // visits only the label's rows instead of every study.
            IQueryable<StudyId> labelled = db.StudyLabels.Where(l => l.Label.Name == label).Select(l => l.StudyId);
            studies = studies.Where(s => labelled.Contains(s.Id));
        }

        if (query.Status is { } status)
        {
            studies = studies.Where(s => s.WorkflowStatus == status);
        }

        if (query.SourceKind is { } sourceKind)
        {
            studies = studies.Where(s => s.SourceKind == sourceKind);
        }

        if (Present(query.SourceName) is { } sourceName)
        {
            studies = studies.Where(s => s.SourceName == sourceName);
        }

        return studies;
    }

    private static string? Present(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// Reads one page. For a nullable sort column the rows with a value come first (index order), then the rows
    /// without one by id: two index-friendly queries instead of one that sorts every row to place the nulls.
    /// </summary>
    private static async Task<List<StudyListRow>> ReadPageAsync(
        IQueryable<Study> filtered, StudySort sort, int skip, int take, int total, CancellationToken cancellationToken)
    {
        bool descending = sort.Direction == SortDirection.Descending;
        if (NullableKey(sort.Field) is not { } key)
        {
            return await Project(Order(filtered, sort.Field, descending).Skip(skip).Take(take)).ToListAsync(cancellationToken);
        }

        IQueryable<Study> withValue = filtered.Where(key.HasValue);
        List<StudyListRow> rows = await Project(Order(withValue, sort.Field, descending).Skip(skip).Take(take))
            .ToListAsync(cancellationToken);
        if (rows.Count == take || skip + rows.Count >= total)
        {
            return rows;
        }

        // The rows with a value ran out on this page (or before it): continue with the rows without one.
        int withValueCount = rows.Count > 0 ? skip + rows.Count : await withValue.CountAsync(cancellationToken);
        IQueryable<Study> withoutValue = filtered.Where(key.NoValue);
        IQueryable<Study> byId = descending ? withoutValue.OrderByDescending(s => s.Id) : withoutValue.OrderBy(s => s.Id);
        rows.AddRange(await Project(byId.Skip(skip + rows.Count - withValueCount).Take(take - rows.Count))
            .ToListAsync(cancellationToken));
        return rows;
    }

    private static (Expression<Func<Study, bool>> HasValue, Expression<Func<Study, bool>> NoValue)? NullableKey(
        StudySortField field) =>
        field switch
        {
            StudySortField.StudyDateTime => (s => s.StudyDateTime != null, s => s.StudyDateTime == null),
            StudySortField.PatientBirthDate => (s => s.Patient.BirthDate != null, s => s.Patient.BirthDate == null),
            _ => null,
        };

    private static IOrderedQueryable<Study> Order(IQueryable<Study> studies, StudySortField field, bool descending) =>
        field switch
        {
            StudySortField.StudyDateTime => By(studies, s => s.StudyDateTime, descending),
            StudySortField.ReceivedAt => By(studies, s => s.ReceivedAt, descending),
            StudySortField.LastReceivedAt => By(studies, s => s.LastReceivedAt, descending),
            StudySortField.PatientName => By(studies, s => s.Patient.PatientNameSearch, descending),
            StudySortField.PatientId => By(studies, s => s.Patient.PatientId, descending),
            StudySortField.PatientBirthDate => By(studies, s => s.Patient.BirthDate, descending),
            StudySortField.AccessionNumber => By(studies, s => s.AccessionNumber, descending),
            StudySortField.Description => By(studies, s => s.Description, descending),
            StudySortField.Modalities => By(studies, s => s.Modalities, descending),
            StudySortField.NumberOfInstances => By(studies, s => s.NumberOfInstances, descending),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Unknown sort field."),
        };

    private static IOrderedQueryable<Study> By<TKey>(
        IQueryable<Study> studies, Expression<Func<Study, TKey>> key, bool descending) =>
        descending
            ? studies.OrderByDescending(key).ThenByDescending(s => s.Id)
            : studies.OrderBy(key).ThenBy(s => s.Id);

    private static IQueryable<StudyListRow> Project(IQueryable<Study> studies) =>
        studies.Select(s => new StudyListRow
        {
            Id = s.Id,
            StudyInstanceUid = s.StudyInstanceUid,
            PatientRecordId = s.PatientRecordId,
            PatientName = s.Patient.PatientName,
            PatientId = s.Patient.PatientId,
            IssuerOfPatientId = s.Patient.IssuerOfPatientId,
            PatientBirthDate = s.Patient.BirthDate,
            PatientSex = s.Patient.Sex,
            StudyDate = s.StudyDate,
            StudyTime = s.StudyTime,
            StudyDateTime = s.StudyDateTime,
            Description = s.Description,
            AccessionNumber = s.AccessionNumber,
            ReferringPhysicianName = s.ReferringPhysicianName,
            Modalities = s.Modalities,
            NumberOfSeries = s.NumberOfSeries,
            NumberOfInstances = s.NumberOfInstances,
            SizeBytes = s.SizeBytes,
            WorkflowStatus = s.WorkflowStatus,
            ReceivedAt = s.ReceivedAt,
            LastReceivedAt = s.LastReceivedAt,
            SourceKind = s.SourceKind,
            SourceName = s.SourceName,
        });

    private static async Task<IReadOnlyList<StudyListRow>> AddLabelsAsync(
        PorticoDbContext db, List<StudyListRow> rows, CancellationToken cancellationToken)
    {
        StudyId[] ids = rows.Select(r => r.Id).ToArray();
        var labels = await db.StudyLabels
            .AsNoTracking()
            .Where(l => ids.Contains(l.StudyId))
            .Select(l => new { l.StudyId, l.Label.Name })
            .ToListAsync(cancellationToken);
        if (labels.Count == 0)
        {
            return rows;
        }

        ILookup<StudyId, string> byStudy = labels.ToLookup(l => l.StudyId, l => l.Name);
        return rows
            .Select(r => byStudy.Contains(r.Id) ? r with { Labels = byStudy[r.Id].Order(StringComparer.Ordinal).ToArray() } : r)
            .ToList();
    }
}
