using System.Globalization;
using Portico.Index.StudyList;
using Portico.Web.Features.Studies;

namespace Portico.Web.Features.StudyList;

/// <summary>
/// The Study List's filter, sort and page as they stand in the URL (<c>/?q=…&amp;date=7d&amp;sort=-studyDateTime</c>), so a
/// reload or a shared link shows the same list. Parsing and validation are those of <c>GET /api/studies</c>
/// (<see cref="StudySearchParameters"/>); the date presets (<c>today</c>, <c>7d</c>, <c>30d</c>) stay relative.
/// </summary>
public sealed record StudyListFilter
{
    public static readonly int[] PageSizes = [25, 50, 100, 200];

    public string? Text { get; init; }

    /// <summary><c>today</c>, <c>7d</c>, <c>30d</c>, or null for any date or the from–to range.</summary>
    public string? DatePreset { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    public string? Modality { get; init; }

    public string? Label { get; init; }

    public string? Status { get; init; }

    public string? Source { get; init; }

    /// <summary>A <see cref="StudySortField"/> name, <c>-</c> first for descending; null for the default (newest first).</summary>
    public string? Sort { get; init; }

    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = StudyQuery.DefaultPageSize;

    public bool HasFilters =>
        !string.IsNullOrWhiteSpace(Text) || DatePreset is not null || !string.IsNullOrEmpty(From) || !string.IsNullOrEmpty(To)
        || !string.IsNullOrWhiteSpace(Modality) || !string.IsNullOrEmpty(Label) || !string.IsNullOrEmpty(Status) || !string.IsNullOrEmpty(Source);

    /// <summary>The query with the presets resolved against <paramref name="today"/>, or the errors of the URL's values.</summary>
    public Dictionary<string, string[]>? ToQuery(DateOnly today, out StudyQuery? query)
    {
        (string? from, string? to) = DatePreset switch
        {
            "today" => (Iso(today), Iso(today)),
            "7d" => (Iso(today.AddDays(-6)), Iso(today)),
            "30d" => (Iso(today.AddDays(-29)), Iso(today)),
            _ => (From, To),
        };
        var parameters = new StudySearchParameters(
            Text, null, null, null, from, to, Modality, null, null, Label, Status, null, Source, Sort, Page, PageSize);
        return parameters.ToQuery(out query);
    }

    /// <summary>The list's URL for this filter: only the values that differ from the defaults.</summary>
    public string ToUrl()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
        }

        Add("q", Text);
        Add("date", DatePreset);
        if (DatePreset is null)
        {
            Add("from", From);
            Add("to", To);
        }

        Add("modality", Modality);
        Add("label", Label);
        Add("status", Status);
        Add("source", Source);
        Add("sort", Sort);
        if (Page != 1)
        {
            Add("page", Page.ToString(CultureInfo.InvariantCulture));
        }

        if (PageSize != StudyQuery.DefaultPageSize)
        {
            Add("size", PageSize.ToString(CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "/" : "/?" + string.Join('&', parts);
    }

    /// <summary>The current sort (the default when none is given).</summary>
    public StudySort CurrentSort()
    {
        if (string.IsNullOrEmpty(Sort))
        {
            return StudySort.Default;
        }

        bool descending = Sort.StartsWith('-');
        return Enum.TryParse(Sort.TrimStart('-', '+'), ignoreCase: true, out StudySortField field) && Enum.IsDefined(field)
            ? new StudySort(field, descending ? SortDirection.Descending : SortDirection.Ascending)
            : StudySort.Default;
    }

    /// <summary>Sorting by <paramref name="field"/>: the other direction when it is the current column, else its natural first direction.</summary>
    public StudyListFilter SortedBy(StudySortField field)
    {
        StudySort current = CurrentSort();
        bool descending = current.Field == field
            ? current.Direction == SortDirection.Ascending
            : field is StudySortField.StudyDateTime or StudySortField.ReceivedAt or StudySortField.LastReceivedAt or StudySortField.NumberOfInstances;
        string name = char.ToLowerInvariant(field.ToString()[0]) + field.ToString()[1..];
        string sort = (descending ? "-" : "") + name;
        return this with { Sort = sort == "-studyDateTime" ? null : sort, Page = 1 };
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Prints no filter values: they can be patient data.</summary>
    public override string ToString() => $"StudyListFilter {{ Page = {Page}, PageSize = {PageSize} }}";
}
