using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Index.StudyList;
using Portico.Ingest.Pipeline;
using Portico.Web.Features.Studies;
using ResultPage = Portico.Index.StudyList.StudyListPage;

namespace Portico.Web.Features.StudyList;

/// <summary>
/// The Study List at <c>/</c>: search, filters, sort and paging kept in the URL; new studies appear without a reload
/// (<see cref="IngestEvents"/>, the current query re-run at most about once a second).
/// </summary>
public sealed partial class StudyListPage
{
    /// <summary>How often at most a busy stream of arrivals re-runs the query.</summary>
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    private static readonly string[] Modalities = ["CT", "MR", "US", "XA", "CR", "DX", "MG", "NM", "PT", "ECG", "ES", "IVUS", "OCT", "RF", "SR", "DOC", "OT"];

    private readonly CancellationTokenSource _disposed = new();
    private StudyListFilter _filter = new();
    private ResultPage? _page;
    private Dictionary<string, string[]>? _errors;
    private string[] _labels = [];
    private string[] _sources = [];
    private int _loads;
    private bool _watching;
    private bool _live;

    // The form's fields; applied to the URL on submit or change.
    private string? _text;
    private string _datePreset = "";
    private DateOnly? _from;
    private DateOnly? _to;
    private string? _modality;
    private string _label = "";
    private string _status = "";
    private string _source = "";
    private int _pageSize = StudyQuery.DefaultPageSize;

    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IngestEvents Events { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")]
    public string? Q { get; set; }

    [SupplyParameterFromQuery(Name = "date")]
    public string? Date { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? To { get; set; }

    [SupplyParameterFromQuery(Name = "modality")]
    public string? Modality { get; set; }

    [SupplyParameterFromQuery(Name = "label")]
    public string? Label { get; set; }

    [SupplyParameterFromQuery(Name = "status")]
    public string? Status { get; set; }

    [SupplyParameterFromQuery(Name = "source")]
    public string? Source { get; set; }

    [SupplyParameterFromQuery(Name = "sort")]
    public string? Sort { get; set; }

    [SupplyParameterFromQuery(Name = "page")]
    public int? PageNumber { get; set; }

    [SupplyParameterFromQuery(Name = "size")]
    public int? Size { get; set; }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        _labels = await StudyDetails.LabelNamesAsync(db, _disposed.Token);
        // Suggestions only (the filter takes any exact source name): the registered devices, a small table. Distinct
        // source names of the studies themselves would scan every study on each visit.
        _sources = [.. await db.DicomIdentities.AsNoTracking().OrderBy(i => i.Name).Select(i => i.Name).Take(500).ToListAsync(_disposed.Token)];
    }

    protected override async Task OnParametersSetAsync()
    {
        string? preset = Date is "today" or "7d" or "30d" ? Date : null;
        _filter = new StudyListFilter
        {
            Text = Q,
            DatePreset = preset,
            From = From,
            To = To,
            Modality = Modality,
            Label = Label,
            Status = Status,
            Source = Source,
            Sort = Sort,
            Page = PageNumber is > 0 ? PageNumber.Value : 1,
            PageSize = Size ?? StudyQuery.DefaultPageSize,
        };
        _text = Q;
        _datePreset = preset ?? (string.IsNullOrEmpty(From) && string.IsNullOrEmpty(To) ? "" : "range");
        _from = ParseDate(From);
        _to = ParseDate(To);
        _modality = Modality;
        _label = Label ?? "";
        _status = Status ?? "";
        _source = Source ?? "";
        _pageSize = _filter.PageSize;
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only the interactive render gets here (not prerendering): once the list is shown, listen for arrivals
        // while the page is open.
        if (!_watching && (_page is not null || _errors is not null))
        {
            _watching = true;
            _ = WatchAsync(_disposed.Token);
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            ChannelReader<StudyChanged> changes = Events.Subscribe(cancellationToken);
            await InvokeAsync(() =>
            {
                _live = true;
                StateHasChanged();
            });
            while (await changes.WaitToReadAsync(cancellationToken))
            {
                while (changes.TryRead(out _))
                {
                }

                await InvokeAsync(async () =>
                {
                    ResultPage? before = _page;
                    await LoadAsync();
                    // Re-render only when the rows changed: arrivals elsewhere must not redraw the rows under a click.
                    if (before is null || _page is null || before.Total != _page.Total || !SameRows(before.Items, _page.Items))
                    {
                        StateHasChanged();
                    }
                });
                // Arrivals during the pause are read together at the next turn: one query for a whole burst.
                await Task.Delay(RefreshInterval, Clock, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static bool SameRows(IReadOnlyList<StudyListRow> a, IReadOnlyList<StudyListRow> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First with { Labels = [] } == p.Second with { Labels = [] } && p.First.Labels.SequenceEqual(p.Second.Labels));

    private async Task LoadAsync()
    {
        int load = ++_loads;
        if (_filter.ToQuery(DateOnly.FromDateTime(Clock.GetLocalNow().DateTime), out StudyQuery? query) is { } errors)
        {
            _errors = errors;
            _page = null;
            return;
        }

        await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        ResultPage page = await StudyListQueries.SearchAsync(db, query!, _disposed.Token);
        if (load == _loads)
        {
            // A newer load started meanwhile (the filter changed): its result wins.
            _errors = null;
            _page = page;
        }
    }

    private Task ApplyAsync()
    {
        bool range = _datePreset == "range";
        StudyListFilter next = _filter with
        {
            Text = _text,
            DatePreset = _datePreset is "today" or "7d" or "30d" ? _datePreset : null,
            From = range ? Iso(_from) : null,
            To = range ? Iso(_to) : null,
            Modality = _modality?.Trim().ToUpperInvariant(),
            Label = _label.Length > 0 ? _label : null,
            Status = _status.Length > 0 ? _status : null,
            Source = string.IsNullOrWhiteSpace(_source) ? null : _source.Trim(),
            PageSize = StudyListFilter.PageSizes.Contains(_pageSize) ? _pageSize : StudyQuery.DefaultPageSize,
            Page = 1,
        };
        if (range && _from is null && _to is null)
        {
            // "From – to…" chosen, no dates yet: show the date inputs, keep the list.
            return Task.CompletedTask;
        }

        Navigation.NavigateTo(next.ToUrl());
        return Task.CompletedTask;
    }

    private void Open(StudyListRow row) => Navigation.NavigateTo(StudyHref(row));

    private static string StudyHref(StudyListRow row) => "studies/" + Uri.EscapeDataString(row.StudyInstanceUid);

    private static string SourceName(StudyListRow row) =>
        row.SourceName is { Length: > 0 } name ? name : DisplayFormats.SourceKind(row.SourceKind.ToString());

    private static string Count(int total) => total == 1 ? "1 study" : $"{total.ToString("N0", Culture)} studies";

    private int PageCount() => _page is null ? 1 : Math.Max(1, (_page.Total + _filter.PageSize - 1) / _filter.PageSize);

    private int FirstRow() => _page is null || _page.Total == 0 ? 0 : ((_filter.Page - 1) * _filter.PageSize) + 1;

    private int LastRow() => _page is null ? 0 : Math.Min(_page.Total, (_filter.Page - 1) * _filter.PageSize + _page.Items.Count);

    private static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d) ? d : null;

    private static string? Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
