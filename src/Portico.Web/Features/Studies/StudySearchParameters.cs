using System.Globalization;
using Portico.Index.Studies;
using Portico.Index.StudyList;

namespace Portico.Web.Features.Studies;

/// <summary>
/// Query string of <c>GET /api/studies</c>: <c>q</c> (the search box: words of the patient's name, or the start of the
/// Patient ID or Accession Number), <c>patientName</c> (wildcards * and ?), <c>patientId</c>, <c>birthDate</c>,
/// <c>studyDateFrom</c>, <c>studyDateTo</c> (YYYY-MM-DD or YYYYMMDD), <c>modality</c>, <c>accession</c>, <c>description</c>,
/// <c>label</c>, <c>status</c>, <c>sourceKind</c>, <c>source</c>, <c>sort</c> (field, "-field" for descending; default
/// newest first), <c>page</c> (from 1) and <c>pageSize</c> (1-200, default 50).
/// </summary>
public sealed record StudySearchParameters(
    string? Q,
    string? PatientName,
    string? PatientId,
    string? BirthDate,
    string? StudyDateFrom,
    string? StudyDateTo,
    string? Modality,
    string? Accession,
    string? Description,
    string? Label,
    string? Status,
    string? SourceKind,
    string? Source,
    string? Sort,
    int? Page,
    int? PageSize)
{
    /// <summary>The query, or the validation errors by parameter name.</summary>
    public Dictionary<string, string[]>? ToQuery(out StudyQuery? query)
    {
        var errors = new Dictionary<string, string[]>();
        DateOnly? birth = Date(BirthDate, "birthDate", errors);
        DateOnly? from = Date(StudyDateFrom, "studyDateFrom", errors);
        DateOnly? to = Date(StudyDateTo, "studyDateTo", errors);
        WorkflowStatus? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (Enum.TryParse(Status, ignoreCase: true, out WorkflowStatus s) && Enum.IsDefined(s))
            {
                status = s;
            }
            else
            {
                errors["status"] = ["The status is New, InProgress or Finalized."];
            }
        }

        IngestSourceKind? sourceKind = null;
        if (!string.IsNullOrEmpty(SourceKind))
        {
            if (Enum.TryParse(SourceKind, ignoreCase: true, out IngestSourceKind k) && Enum.IsDefined(k))
            {
                sourceKind = k;
            }
            else
            {
                errors["sourceKind"] = ["The source kind is DicomIdentity, User, UploadCode, Import or ApiKey."];
            }
        }

        StudySort sort = StudySort.Default;
        if (!string.IsNullOrEmpty(Sort))
        {
            bool descending = Sort.StartsWith('-');
            string field = Sort.TrimStart('-', '+');
            if (Enum.TryParse(field, ignoreCase: true, out StudySortField f) && Enum.IsDefined(f))
            {
                sort = new StudySort(f, descending ? SortDirection.Descending : SortDirection.Ascending);
            }
            else
            {
                errors["sort"] = [$"Sort by one of {string.Join(", ", Enum.GetNames<StudySortField>())}; prefix '-' for descending."];
            }
        }

        int page = Page ?? 1;
        int size = PageSize ?? StudyQuery.DefaultPageSize;
        if (page < 1)
        {
            errors["page"] = ["Pages start at 1."];
        }

        if (size is < 1 or > StudyQuery.MaxPageSize)
        {
            errors["pageSize"] = [$"The page size is between 1 and {StudyQuery.MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            query = null;
            return errors;
        }

        query = new StudyQuery
        {
            Text = Q,
            PatientName = PatientName,
            PatientId = PatientId,
            BirthDate = birth,
            StudyDateFrom = from,
            StudyDateTo = to,
            Modality = Modality,
            AccessionNumber = Accession,
            Description = Description,
            Label = Label,
            Status = status,
            SourceKind = sourceKind,
            SourceName = Source,
            Sort = sort,
            Page = page,
            PageSize = size,
        };
        return null;
    }

    private static DateOnly? Date(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            return date;
        }

        errors[name] = ["Dates are YYYY-MM-DD."];
        return null;
    }
}
