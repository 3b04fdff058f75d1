using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Index.Studies;
using Portico.Index.StudyList;

namespace Portico.Index.QueryRetrieve;

/// <summary>
/// C-FIND matching and C-MOVE/C-GET instance resolution over the index (PS3.4 Annex C). Every condition is
/// translated to SQL; matches stream from the database and stop at <see cref="QueryLimits.MaxMatches"/>.
/// Nothing here logs: identifiers hold patient data.
/// </summary>
public sealed class DicomQueries(PorticoDbContext db)
{
    private const string Utf8CharacterSet = "ISO_IR 192";

    /// <summary>The C-FIND responses for <paramref name="identifier"/>, one identifier per match.</summary>
    /// <exception cref="InvalidQueryException">
    /// The identifier cannot be matched in <paramref name="model"/>. Thrown by the first <c>MoveNextAsync</c>, not by
    /// this call, so a caller that turns it into a DIMSE status around the enumeration sees it.
    /// </exception>
    public IAsyncEnumerable<DicomDataset> FindAsync(
        QueryRetrieveModel model, DicomDataset identifier, QueryLimits limits, CancellationToken cancellationToken) =>
        FindAsync(model, identifier, limits, relational: false, cancellationToken);

    /// <summary>
    /// As <see cref="FindAsync(QueryRetrieveModel, DicomDataset, QueryLimits, CancellationToken)"/>; with
    /// <paramref name="relational"/> the unique keys of the levels above may be absent or matched like any other key
    /// (PS3.4 §C.4.1.2.2, relational queries): QIDO-RS searches all series or all instances.
    /// </summary>
    public IAsyncEnumerable<DicomDataset> FindAsync(
        QueryRetrieveModel model, DicomDataset identifier, QueryLimits limits, bool relational, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.MaxMatches);
        ArgumentOutOfRangeException.ThrowIfNegative(limits.Offset ?? 0);
        return StreamAsync(model, identifier, limits, relational, cancellationToken);
    }

    private async IAsyncEnumerable<DicomDataset> StreamAsync(
        QueryRetrieveModel model, DicomDataset identifier, QueryLimits limits, bool relational, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        QueryRetrieveLevel level = ReadLevel(model, identifier);
        IQueryable<QueryRow> rows = Matches(model, level, identifier, relational);
        if (limits.Offset is { } offset)
        {
            rows = InKeyOrder(rows, level).Skip(offset);
        }

        await foreach (QueryRow row in rows.Take(limits.MaxMatches).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return Response(row, model, level, identifier);
        }
    }

    /// <summary>Whether a value given for <paramref name="tag"/> is matched (else it could only be returned).</summary>
    public static bool CanMatch(DicomTag tag) => QueryKey.Find(tag) is { Matching: not KeyMatching.ReturnOnly };

    /// <summary>Every key the index can return for a match at <paramref name="level"/> of the Study Root model.</summary>
    public static IEnumerable<DicomTag> ReturnKeysAt(QueryRetrieveLevel level) =>
        QueryKey.Supported.Where(k => k.LevelIn(QueryRetrieveModel.StudyRoot) <= level && k.LevelIn(QueryRetrieveModel.StudyRoot) >= QueryRetrieveLevel.Study).Select(k => k.Tag);

    private static IQueryable<QueryRow> InKeyOrder(IQueryable<QueryRow> rows, QueryRetrieveLevel level) => level switch
    {
        QueryRetrieveLevel.Patient => rows.OrderBy(r => r.PatientId),
        QueryRetrieveLevel.Study => rows.OrderBy(r => r.StudyInstanceUid),
        QueryRetrieveLevel.Series => rows.OrderBy(r => r.SeriesInstanceUid),
        _ => rows.OrderBy(r => r.SopInstanceUid),
    };

    private IQueryable<QueryRow> Matches(QueryRetrieveModel model, QueryRetrieveLevel level, DicomDataset identifier, bool relational)
    {
        if (!relational)
        {
            RequireUniqueKeysAbove(model, level, identifier);
        }

        IQueryable<QueryRow> rows = Rows(level);
        foreach (DicomItem item in identifier)
        {
            if (QueryKey.Find(item.Tag) is not { } key)
            {
                continue;
            }

            if (key.LevelIn(model) > level)
            {
                throw new InvalidQueryException($"Key {item.Tag} is below the {LevelName(level)} level");
            }

            rows = Match(rows, key, identifier, item);
        }

        return MatchStudyDateTime(rows, identifier);
    }

    /// <summary>The instances a C-MOVE or C-GET identifier designates (unique keys, UID lists allowed).</summary>
    /// <exception cref="InvalidQueryException">
    /// The identifier does not designate instances in <paramref name="model"/>; thrown by the first <c>MoveNextAsync</c>.
    /// </exception>
    public IAsyncEnumerable<RetrieveCandidate> ResolveRetrieveAsync(
        QueryRetrieveModel model, DicomDataset identifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return StreamCandidatesAsync(model, identifier, cancellationToken);
    }

    private async IAsyncEnumerable<RetrieveCandidate> StreamCandidatesAsync(
        QueryRetrieveModel model, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerable<RetrieveCandidate> candidates = RetrieveInstances(model, identifier)
            .Select(i => new RetrieveCandidate(
                i.SopClassUid, i.SopInstanceUid, i.TransferSyntaxUid, i.BlobKey, i.SizeBytes, i.Series.Study.StudyInstanceUid))
            .AsAsyncEnumerable();
        await foreach (RetrieveCandidate candidate in candidates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return candidate;
        }
    }

    /// <summary>How many instances <see cref="ResolveRetrieveAsync"/> yields (the sub-operation total).</summary>
    public Task<int> CountRetrieveAsync(QueryRetrieveModel model, DicomDataset identifier, CancellationToken cancellationToken) =>
        RetrieveInstances(model, identifier).CountAsync(cancellationToken);

    private IQueryable<Instance> RetrieveInstances(QueryRetrieveModel model, DicomDataset identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        QueryRetrieveLevel level = ReadLevel(model, identifier);
        RequireUniqueKeysAbove(model, level, identifier);
        IQueryable<Instance> instances = db.Instances.AsNoTracking();
        if (model == QueryRetrieveModel.PatientRoot)
        {
            string[] patientIds = level == QueryRetrieveLevel.Patient
                ? RequireUniqueKey(identifier, DicomTags.PatientID, level)
                : Values(identifier, DicomTags.PatientID);
            if (patientIds.Length > 0)
            {
                instances = instances.Where(i => patientIds.Contains(i.Series.Study.Patient.PatientId));
            }
        }

        if (level >= QueryRetrieveLevel.Study)
        {
            string[] studies = level == QueryRetrieveLevel.Study
                ? RequireUniqueKey(identifier, DicomTags.StudyInstanceUID, level)
                : Values(identifier, DicomTags.StudyInstanceUID);
            instances = instances.Where(i => studies.Contains(i.Series.Study.StudyInstanceUid));
        }

        if (level >= QueryRetrieveLevel.Series)
        {
            string[] series = level == QueryRetrieveLevel.Series
                ? RequireUniqueKey(identifier, DicomTags.SeriesInstanceUID, level)
                : Values(identifier, DicomTags.SeriesInstanceUID);
            instances = instances.Where(i => series.Contains(i.Series.SeriesInstanceUid));
        }

        if (level == QueryRetrieveLevel.Image)
        {
            string[] sopInstances = RequireUniqueKey(identifier, DicomTags.SOPInstanceUID, level);
            instances = instances.Where(i => sopInstances.Contains(i.SopInstanceUid));
        }

        return instances;
    }

    private static string[] RequireUniqueKey(DicomDataset identifier, DicomTag tag, QueryRetrieveLevel level)
    {
        string[] values = Values(identifier, tag);
        if (values.Length == 0 || values.Any(v => v.Length == 0 || WildcardPattern.HasWildcards(v)))
        {
            throw new InvalidQueryException($"{LevelName(level)} retrieve needs unique key {tag}");
        }

        return values;
    }

    private static QueryRetrieveLevel ReadLevel(QueryRetrieveModel model, DicomDataset identifier)
    {
        string? text = identifier.GetString(DicomTags.QueryRetrieveLevel)?.Trim();
        QueryRetrieveLevel level = text switch
        {
            null or "" => throw new InvalidQueryException("Query/Retrieve Level (0008,0052) is missing"),
            "PATIENT" => QueryRetrieveLevel.Patient,
            "STUDY" => QueryRetrieveLevel.Study,
            "SERIES" => QueryRetrieveLevel.Series,
            "IMAGE" => QueryRetrieveLevel.Image,
            _ => throw new InvalidQueryException("Query/Retrieve Level (0008,0052) is not valid"),
        };
        if (!model.HasLevel(level))
        {
            throw new InvalidQueryException("PATIENT level is not in the Study Root model");
        }

        return level;
    }

    /// <summary>PS3.4 §C.4.1.2.1: a query below the top carries single values of the unique keys above it.</summary>
    private static void RequireUniqueKeysAbove(QueryRetrieveModel model, QueryRetrieveLevel level, DicomDataset identifier)
    {
        foreach ((QueryRetrieveLevel above, DicomTag tag) in UniqueKeysAbove(model, level))
        {
            string[] values = Values(identifier, tag);
            if (values.Length != 1 || values[0].Length == 0 || WildcardPattern.HasWildcards(values[0]))
            {
                throw new InvalidQueryException($"{LevelName(level)} query needs one {LevelName(above)} key {tag}");
            }
        }
    }

    private static IEnumerable<(QueryRetrieveLevel Level, DicomTag Tag)> UniqueKeysAbove(QueryRetrieveModel model, QueryRetrieveLevel level)
    {
        if (model == QueryRetrieveModel.PatientRoot && level > QueryRetrieveLevel.Patient)
        {
            yield return (QueryRetrieveLevel.Patient, DicomTags.PatientID);
        }

        if (level > QueryRetrieveLevel.Study)
        {
            yield return (QueryRetrieveLevel.Study, DicomTags.StudyInstanceUID);
        }

        if (level > QueryRetrieveLevel.Series)
        {
            yield return (QueryRetrieveLevel.Series, DicomTags.SeriesInstanceUID);
        }
    }

    private static string LevelName(QueryRetrieveLevel level) => level.ToString().ToUpperInvariant();

    private static string[] Values(DicomDataset identifier, DicomTag tag) =>
        identifier.TryGetElement(tag, out DicomElement? element)
            ? element.GetStrings(identifier.CharacterSet).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray()
            : [];

    private IQueryable<QueryRow> Rows(QueryRetrieveLevel level) => level switch
    {
        QueryRetrieveLevel.Patient => db.Patients.AsNoTracking().Select(p => new QueryRow
        {
            PatientName = p.PatientName,
            PatientNameSearch = p.PatientNameSearch,
            PatientId = p.PatientId,
            IssuerOfPatientId = p.IssuerOfPatientId,
            PatientBirthDate = p.BirthDate,
            PatientSex = p.Sex,
            PatientStudies = p.Studies.Count(),
            PatientSeries = p.Studies.Sum(s => s.NumberOfSeries),
            PatientInstances = p.Studies.Sum(s => s.NumberOfInstances),
        }),
        QueryRetrieveLevel.Study => db.Studies.AsNoTracking().Select(s => new QueryRow
        {
            PatientName = s.Patient.PatientName,
            PatientNameSearch = s.Patient.PatientNameSearch,
            PatientId = s.Patient.PatientId,
            IssuerOfPatientId = s.Patient.IssuerOfPatientId,
            PatientBirthDate = s.Patient.BirthDate,
            PatientSex = s.Patient.Sex,
            StudyInstanceUid = s.StudyInstanceUid,
            StudyDate = s.StudyDate,
            StudyTime = s.StudyTime,
            StudyDateTime = s.StudyDateTime,
            AccessionNumber = s.AccessionNumber,
            StudyDescription = s.Description,
            ReferringPhysicianName = s.ReferringPhysicianName,
            Modalities = s.Modalities,
            ModalitiesSearch = s.ModalitiesSearch,
            StudySeries = s.NumberOfSeries,
            StudyInstances = s.NumberOfInstances,
        }),
        QueryRetrieveLevel.Series => db.Series.AsNoTracking().Select(e => new QueryRow
        {
            PatientName = e.Study.Patient.PatientName,
            PatientNameSearch = e.Study.Patient.PatientNameSearch,
            PatientId = e.Study.Patient.PatientId,
            IssuerOfPatientId = e.Study.Patient.IssuerOfPatientId,
            PatientBirthDate = e.Study.Patient.BirthDate,
            PatientSex = e.Study.Patient.Sex,
            StudyInstanceUid = e.Study.StudyInstanceUid,
            StudyDate = e.Study.StudyDate,
            StudyTime = e.Study.StudyTime,
            StudyDateTime = e.Study.StudyDateTime,
            AccessionNumber = e.Study.AccessionNumber,
            StudyDescription = e.Study.Description,
            ReferringPhysicianName = e.Study.ReferringPhysicianName,
            Modalities = e.Study.Modalities,
            ModalitiesSearch = e.Study.ModalitiesSearch,
            StudySeries = e.Study.NumberOfSeries,
            StudyInstances = e.Study.NumberOfInstances,
            SeriesInstanceUid = e.SeriesInstanceUid,
            Modality = e.Modality,
            SeriesNumber = e.SeriesNumber,
            SeriesDescription = e.Description,
            BodyPartExamined = e.BodyPartExamined,
            SeriesInstances = e.NumberOfInstances,
        }),
        _ => db.Instances.AsNoTracking().Select(i => new QueryRow
        {
            PatientName = i.Series.Study.Patient.PatientName,
            PatientNameSearch = i.Series.Study.Patient.PatientNameSearch,
            PatientId = i.Series.Study.Patient.PatientId,
            IssuerOfPatientId = i.Series.Study.Patient.IssuerOfPatientId,
            PatientBirthDate = i.Series.Study.Patient.BirthDate,
            PatientSex = i.Series.Study.Patient.Sex,
            StudyInstanceUid = i.Series.Study.StudyInstanceUid,
            StudyDate = i.Series.Study.StudyDate,
            StudyTime = i.Series.Study.StudyTime,
            StudyDateTime = i.Series.Study.StudyDateTime,
            AccessionNumber = i.Series.Study.AccessionNumber,
            StudyDescription = i.Series.Study.Description,
            ReferringPhysicianName = i.Series.Study.ReferringPhysicianName,
            Modalities = i.Series.Study.Modalities,
            ModalitiesSearch = i.Series.Study.ModalitiesSearch,
            StudySeries = i.Series.Study.NumberOfSeries,
            StudyInstances = i.Series.Study.NumberOfInstances,
            SeriesInstanceUid = i.Series.SeriesInstanceUid,
            Modality = i.Series.Modality,
            SeriesNumber = i.Series.SeriesNumber,
            SeriesDescription = i.Series.Description,
            BodyPartExamined = i.Series.BodyPartExamined,
            SeriesInstances = i.Series.NumberOfInstances,
            SopInstanceUid = i.SopInstanceUid,
            SopClassUid = i.SopClassUid,
            InstanceNumber = i.InstanceNumber,
        }),
    };

    private static IQueryable<QueryRow> Match(IQueryable<QueryRow> rows, QueryKey key, DicomDataset identifier, DicomItem item)
    {
        if (item is not DicomElement element || key.Matching == KeyMatching.ReturnOnly)
        {
            return rows;
        }

        string value = element.GetString(identifier.CharacterSet).Trim();
        if (value.Length == 0 || value == "*")
        {
            return rows; // universal matching
        }

        if (key.Matching != KeyMatching.Uid)
        {
            // The index holds text without NUL characters (ingest leaves them out; PostgreSQL refuses them in a parameter).
            value = value.Replace("\0", "", StringComparison.Ordinal);
        }

        switch (key.Matching)
        {
            case KeyMatching.Uid:
                string[] uids = value.Split('\\').Select(u => u.Trim('\0', ' ')).Where(u => u.Length > 0).ToArray();
                if (uids.Any(WildcardPattern.HasWildcards))
                {
                    // PS3.4 §C.2.2.2.4: no wildcard matching on UI. Taken literally it could never match, so say so.
                    throw new InvalidQueryException($"Key {key.Tag} is a UID and cannot hold wildcards");
                }

                return uids.Length == 1
                    ? rows.Where(Apply(key.Column!, c => c == uids[0]))
                    : rows.Where(Apply(key.Column!, c => uids.Contains(c)));
            case KeyMatching.Text:
                return rows.Where(TextPredicate(key.Column!, value));
            case KeyMatching.PersonName:
                return rows.Where(PersonNamePredicate(key, value));
            case KeyMatching.Date:
                return key.Tag == DicomTags.StudyDate && HasCombinedDateTime(identifier)
                    ? rows // matched with the time by MatchStudyDateTime
                    : rows.Where(DatePredicate(key.Tag, value));
            case KeyMatching.Time:
                return HasCombinedDateTime(identifier) ? rows : rows.Where(TimePredicate(key.Column!, value));
            case KeyMatching.Integer:
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number))
                {
                    throw new InvalidQueryException($"Key {key.Tag} is not an integer");
                }

                return key.Tag == DicomTags.SeriesNumber
                    ? rows.Where(r => r.SeriesNumber == number)
                    : rows.Where(r => r.InstanceNumber == number);
            case KeyMatching.Modalities:
                string[] tokens = value.Split('\\').Where(m => m.Trim().Length > 0).Select(ModalitiesSearch.Token).ToArray();
                return rows.Where(AnyContains(tokens));
            default:
                return rows;
        }
    }

    /// <summary>Single value (exact, case-sensitive) or wildcard (LIKE, case-sensitive on both providers).</summary>
    private static Expression<Func<QueryRow, bool>> TextPredicate(Expression<Func<QueryRow, string>> column, string value)
    {
        if (!WildcardPattern.HasWildcards(value))
        {
            return Apply(column, c => c == value);
        }

        string like = WildcardPattern.ToLike(value);
        return Apply(column, c => EF.Functions.Like(c, like, WildcardPattern.Escape));
    }

    /// <summary>
    /// Patient's Name through its search column (upper case, <c>^</c> and spaces as one space), as the Study List does;
    /// Referring Physician's Name has no search column and is compared upper-cased as stored.
    /// </summary>
    private static Expression<Func<QueryRow, bool>> PersonNamePredicate(QueryKey key, string value)
    {
        if (key.Tag == DicomTags.PatientName)
        {
            string normalized = PersonNameSearch.Normalize(value);
            if (!WildcardPattern.HasWildcards(normalized))
            {
                return r => r.PatientNameSearch == normalized;
            }

            string like = WildcardPattern.ToLike(normalized);
            return r => EF.Functions.Like(r.PatientNameSearch, like, WildcardPattern.Escape);
        }

        string pattern = WildcardPattern.ToLike(value.ToUpperInvariant());
        return Apply(key.Column!, c => EF.Functions.Like(c.ToUpper(), pattern, WildcardPattern.Escape));
    }

    private static Expression<Func<QueryRow, bool>> DatePredicate(DicomTag tag, string value)
    {
        (DateOnly? from, DateOnly? to) = ParseRange(value, ParseDate, tag);
        bool study = tag == DicomTags.StudyDate;
        if (from is { } f && to is { } t)
        {
            return study ? r => r.StudyDate >= f && r.StudyDate <= t : r => r.PatientBirthDate >= f && r.PatientBirthDate <= t;
        }

        if (from is { } lower)
        {
            return study ? r => r.StudyDate >= lower : r => r.PatientBirthDate >= lower;
        }

        DateOnly upper = to!.Value;
        return study ? r => r.StudyDate <= upper : r => r.PatientBirthDate <= upper;
    }

    /// <summary>
    /// Study Time is stored as received (<c>HHMMSS.FFFFFF</c>, any precision), so ranges compare text: the lower bound
    /// as given, the upper bound padded with 9s so that <c>-1015</c> includes 10:15:59.9.
    /// </summary>
    private static Expression<Func<QueryRow, bool>> TimePredicate(Expression<Func<QueryRow, string>> column, string value)
    {
        if (!value.Contains('-', StringComparison.Ordinal))
        {
            ParseTime(value, DicomTags.StudyTime);
            string exact = value;
            return Apply(column, c => c == exact);
        }

        (TimeOnly? from, TimeOnly? to) = ParseRange(value, ParseTime, DicomTags.StudyTime);
        string[] bounds = value.Split('-');
        string lower = from is null ? "" : bounds[0].Trim();
        string upper = to is null ? "" : UpperTimeText(bounds[1].Trim());
        if (lower.Length > 0 && upper.Length > 0)
        {
            return Apply(column, c => c != "" && string.Compare(c, lower) >= 0 && string.Compare(c, upper) <= 0);
        }

        return lower.Length > 0
            ? Apply(column, c => c != "" && string.Compare(c, lower) >= 0)
            : Apply(column, c => c != "" && string.Compare(c, upper) <= 0);
    }

    private static string UpperTimeText(string time)
    {
        string digits = time.Replace(".", "", StringComparison.Ordinal);
        string padded = digits.PadRight(12, '9');
        return string.Concat(padded.AsSpan(0, 6), ".", padded.AsSpan(6));
    }

    private static bool HasCombinedDateTime(DicomDataset identifier) =>
        identifier.GetString(DicomTags.StudyDate)?.Trim() is { Length: > 0 } date && date != "*"
        && identifier.GetString(DicomTags.StudyTime)?.Trim() is { Length: > 0 } time && time != "*"
        && (date.Contains('-', StringComparison.Ordinal) || time.Contains('-', StringComparison.Ordinal));

    /// <summary>
    /// PS3.4 §C.2.2.2.5.1: with a Study Date and a Study Time where either is a range, the two form one range of
    /// date-times (<c>20250101-20250102</c> with <c>2200-0600</c> is 1 Jan 22:00 to 2 Jan 06:00), searched on
    /// <see cref="Study.StudyDateTime"/>.
    /// </summary>
    private static IQueryable<QueryRow> MatchStudyDateTime(IQueryable<QueryRow> rows, DicomDataset identifier)
    {
        if (!HasCombinedDateTime(identifier))
        {
            return rows;
        }

        string dateText = identifier.GetString(DicomTags.StudyDate)!.Trim();
        string timeText = identifier.GetString(DicomTags.StudyTime)!.Trim();
        (DateOnly? fromDate, DateOnly? toDate) = ParseRange(dateText, ParseDate, DicomTags.StudyDate);
        (TimeOnly? fromTime, TimeOnly? toTime) = ParseRange(timeText, ParseTime, DicomTags.StudyTime);
        if (!dateText.Contains('-', StringComparison.Ordinal))
        {
            toDate = fromDate;
        }

        if (!timeText.Contains('-', StringComparison.Ordinal))
        {
            toTime = fromTime;
        }

        if (fromDate is { } fd)
        {
            DateTime start = fd.ToDateTime(fromTime ?? TimeOnly.MinValue, DateTimeKind.Utc);
            rows = rows.Where(r => r.StudyDateTime >= start);
        }

        if (toDate is { } td)
        {
            string[] bounds = timeText.Split('-');
            TimeOnly end = toTime is null ? TimeOnly.MaxValue : EndOfTime(bounds[^1].Trim());
            DateTime last = td.ToDateTime(end, DateTimeKind.Utc);
            rows = rows.Where(r => r.StudyDateTime <= last);
        }

        return rows.Where(r => r.StudyDateTime != null);
    }

    /// <summary>
    /// The last microsecond a time of the given precision covers: <c>10</c> is 10:59:59.999999, <c>1015</c> is
    /// 10:15:59.999999, <c>101530.5</c> is 10:15:30.599999. (Padding the text with 9s would give 10:99:99.)
    /// </summary>
    private static TimeOnly EndOfTime(string time)
    {
        TimeOnly start = ParseTime(time, DicomTags.StudyTime);
        int digits = time.Count(char.IsAsciiDigit);
        long unit = digits switch
        {
            <= 2 => TimeSpan.TicksPerHour,
            <= 4 => TimeSpan.TicksPerMinute,
            _ => TimeSpan.TicksPerSecond / (long)Math.Pow(10, digits - 6),
        };
        return start.Add(TimeSpan.FromTicks(unit - TimeSpan.TicksPerMicrosecond));
    }

    private static (T? From, T? To) ParseRange<T>(string value, Func<string, DicomTag, T> parse, DicomTag tag)
        where T : struct
    {
        int dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            T single = parse(value, tag);
            return (single, single);
        }

        string from = value[..dash].Trim();
        string to = value[(dash + 1)..].Trim();
        if (from.Length == 0 && to.Length == 0)
        {
            throw new InvalidQueryException($"Range in {tag} has no bounds");
        }

        return (from.Length > 0 ? parse(from, tag) : null, to.Length > 0 ? parse(to, tag) : null);
    }

    private static DateOnly ParseDate(string text, DicomTag tag) =>
        DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
            ? date
            : throw new InvalidQueryException($"Key {tag} is not a valid date");

    private static TimeOnly ParseTime(string text, DicomTag tag)
    {
        string digits = text.Replace(".", "", StringComparison.Ordinal);
        if (digits.Length is < 2 or > 12 || digits.Any(c => !char.IsAsciiDigit(c)) || (text.Contains('.', StringComparison.Ordinal) && text.IndexOf('.', StringComparison.Ordinal) != 6))
        {
            throw new InvalidQueryException($"Key {tag} is not a valid time");
        }

        string padded = digits.PadRight(12, '0');
        return TimeOnly.TryParseExact(string.Concat(padded.AsSpan(0, 6), ".", padded.AsSpan(6)), "HHmmss.ffffff", CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly time)
            ? time
            : throw new InvalidQueryException($"Key {tag} is not a valid time");
    }

    private static Expression<Func<QueryRow, bool>> AnyContains(string[] tokens)
    {
        ParameterExpression row = Expression.Parameter(typeof(QueryRow), "r");
        MemberExpression column = Expression.Property(row, nameof(QueryRow.ModalitiesSearch));
        Expression? body = null;
        foreach (string token in tokens)
        {
            Expression<Func<string>> captured = () => token; // a query parameter, not a literal
            Expression contains = Expression.Call(column, typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!, captured.Body);
            body = body is null ? contains : Expression.OrElse(body, contains);
        }

        return Expression.Lambda<Func<QueryRow, bool>>(body ?? Expression.Constant(true), row);
    }

    /// <summary>Applies <paramref name="predicate"/> to the column <paramref name="column"/> selects.</summary>
    private static Expression<Func<QueryRow, bool>> Apply(
        Expression<Func<QueryRow, string>> column, Expression<Func<string, bool>> predicate)
    {
        Expression body = new Substitution(predicate.Parameters[0], column.Body).Visit(predicate.Body);
        return Expression.Lambda<Func<QueryRow, bool>>(body, column.Parameters[0]);
    }

    /// <summary>The identifier's keys filled from <paramref name="row"/>, the level and the unique keys above it.</summary>
    private static DicomDataset Response(QueryRow row, QueryRetrieveModel model, QueryRetrieveLevel level, DicomDataset identifier)
    {
        var values = new List<(DicomTag Tag, DicomVR VR, string? Text, DicomItem? Copy)>();
        foreach (DicomItem item in identifier)
        {
            if (item.Tag.Group is 0x0000 or 0x0002 || item.Tag.IsGroupLength
                || item.Tag == DicomTags.SpecificCharacterSet || item.Tag == DicomTags.QueryRetrieveLevel)
            {
                continue;
            }

            if (item is DicomSequence)
            {
                values.Add((item.Tag, item.VR, null, new DicomSequence(item.Tag, item.VR)));
            }
            else if (QueryKey.Find(item.Tag) is { } key)
            {
                values.Add((key.Tag, key.VR, key.Value(row), null));
            }
            else
            {
                values.Add((item.Tag, item.VR, null, new DicomElement(item.Tag, item.VR, ReadOnlyMemory<byte>.Empty)));
            }
        }

        foreach ((_, DicomTag tag) in UniqueKeysAbove(model, level))
        {
            if (!identifier.Contains(tag))
            {
                QueryKey key = QueryKey.Find(tag)!;
                values.Add((tag, key.VR, key.Value(row), null));
            }
        }

        // PS3.4 §C.4.1.1.3.2: Specific Character Set only when a value needs more than the default repertoire.
        var response = new DicomDataset();
        if (values.Any(v => v.Text is { Length: > 0 } text && v.VR.Info.CharacterSetDependent && !Ascii.IsValid(text)))
        {
            response.AddOrUpdate(DicomTags.SpecificCharacterSet, DicomVR.CS, Utf8CharacterSet);
        }

        response.AddOrUpdate(DicomTags.QueryRetrieveLevel, DicomVR.CS, LevelName(level));
        foreach ((DicomTag tag, DicomVR vr, string? text, DicomItem? copy) in values)
        {
            if (copy is not null)
            {
                response.Add(copy);
            }
            else
            {
                response.AddOrUpdate(tag, vr, text ?? "");
            }
        }

        return response;
    }

    private sealed class Substitution(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
