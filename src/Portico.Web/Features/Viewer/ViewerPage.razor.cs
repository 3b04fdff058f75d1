using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.JSInterop;
using Portico.Imaging;
using Portico.Index;
using Portico.Storage;
using Portico.Web.Features.DicomWeb;
using Portico.Web.Features.Studies;
using Portico.Web.Features.UploadPortal;

namespace Portico.Web.Features.Viewer;

/// <summary>
/// The image viewer of a study: its series as thumbnails, one image at a time rendered by the server
/// (<c>/api/dicomweb/.../frames/{n}/rendered</c>), stepping through images and frames, cine play of multi-frame
/// instances at their recorded rate, windows (the file's, CT presets, typed in, or dragged with the mouse), and zoom
/// and pan in the browser (ViewerPage.razor.js). Images the server cannot decode say why instead.
/// </summary>
public sealed partial class ViewerPage : IAsyncDisposable
{
    /// <summary>Common CT windows (center, width in Hounsfield units).</summary>
    private static readonly (string Key, string Name, VoiWindow Window)[] CtPresets =
    [
        ("ct-soft", "Soft tissue (40 / 400)", new VoiWindow(40, 400)),
        ("ct-lung", "Lung (−600 / 1500)", new VoiWindow(-600, 1500)),
        ("ct-bone", "Bone (400 / 1800)", new VoiWindow(400, 1800)),
        ("ct-brain", "Brain (40 / 80)", new VoiWindow(40, 80)),
    ];

    private readonly CancellationTokenSource _disposed = new();
    private readonly HashSet<string> _noPicture = new(StringComparer.Ordinal);
    private StudyDetail? _study;
    private UploadRecords.UploadRecord? _upload;
    private bool _notFound;
    private string? _seriesUid;
    private List<(string SopInstanceUid, string BlobKey)> _instances = [];
    private int _index;
    private int _frame = 1;
    private Rendition.Description? _description;
    private string _windowChoice = "file";
    private double? _customCenter;
    private double? _customWidth;
    private bool _playing;

    /// <summary>One image pixel per screen pixel (scrolling), instead of fitting the image to the view.</summary>
    private bool _actualSize;
    private CancellationTokenSource? _player;

    /// <summary>The image area, and the zoom, pan and window-drag handlers the browser attached to it.</summary>
    private ElementReference _stage;
    private string? _attachedStage;
    private IJSObjectReference? _stageHandlers;
    private DotNetObjectReference<ViewerPage>? _self;

    /// <summary>Whether a drag on the image measures a length instead of panning.</summary>
    private bool _measuring;

    /// <summary>Whether the patient, series, position and window are written on the image's corners.</summary>
    private bool _annotations = true;

    /// <summary>The window a mouse drag started from; the drag's distance moves it.</summary>
    private VoiWindow? _dragStart;

    [Parameter]
    public string StudyInstanceUid { get; set; } = "";

    /// <summary>The series to open first (from the study page); else the first series.</summary>
    [SupplyParameterFromQuery(Name = "series")]
    public string? Series { get; set; }

    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = default!;

    [Inject]
    private IBlobStore Blobs { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private string StudyUrl => $"/studies/{Uri.EscapeDataString(StudyInstanceUid)}";

    private string ImageUrl
    {
        get
        {
            (string sop, _) = _instances[_index];
            string url = $"{DicomWebApi.RetrieveUrl(DicomWebApi.Root, E(StudyInstanceUid), E(_seriesUid!), E(sop))}/frames/{_frame}/rendered";
            // A window is for grey pictures only: colour and baseline JPEG frames are shown as they are.
            return _description is { IsMonochrome: true } && SelectedWindow() is { } window ? $"{url}?window={E(window.ToString())}" : url;
        }
    }

    private string ImageAlt => $"Image {_index + 1} of {_instances.Count}" + (_description is { Frames: > 1 } d ? $", frame {_frame} of {d.Frames}" : "");

    private string WindowText => _description is { IsMonochrome: true, Refusal: null }
        ? SelectedWindow() is { } w ? $"Window {w.Center:0.##} / {w.Width:0.##} · " : _description.Windows.Count > 0 ? $"Window {_description.Windows[0].Center:0.##} / {_description.Windows[0].Width:0.##} (from the file) · " : "Window: full range · "
        : "";

    public async ValueTask DisposeAsync()
    {
        StopPlaying();
        _disposed.Cancel();
        await DetachAsync();
        _self?.Dispose();
        _disposed.Dispose();
    }

    /// <summary>Attaches zoom, pan and window dragging to the image area each time Blazor makes that element anew.</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        string? stage = _stage.Id;
        if (stage == _attachedStage || _disposed.IsCancellationRequested)
        {
            return;
        }

        await DetachAsync();
        _attachedStage = stage;
        if (stage is null)
        {
            return;
        }

        try
        {
            _self ??= DotNetObjectReference.Create(this);
            await using IJSObjectReference module = await JS.InvokeAsync<IJSObjectReference>("import", _disposed.Token, "./Features/Viewer/ViewerPage.razor.js");
            _stageHandlers = await module.InvokeAsync<IJSObjectReference>("attach", _disposed.Token, _stage, _self);
        }
        catch (Exception e) when (e is JSDisconnectedException or OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private async Task DetachAsync()
    {
        if (_stageHandlers is null)
        {
            return;
        }

        try
        {
            await _stageHandlers.InvokeVoidAsync("dispose");
            await _stageHandlers.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The page was closed: nothing left to detach.
        }

        _stageHandlers = null;
    }

    /// <summary>Zooms the picture in the browser (<c>zoomIn</c>, <c>zoomOut</c>, <c>reset</c> to fitted), or clears its measurements (<c>clearMeasurements</c>).</summary>
    private async Task StageCommandAsync(string how)
    {
        if (_stageHandlers is null)
        {
            return;
        }

        try
        {
            await _stageHandlers.InvokeVoidAsync(how, _disposed.Token);
        }
        catch (Exception e) when (e is JSDisconnectedException or OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private async Task ToggleActualSizeAsync()
    {
        _actualSize = !_actualSize;
        await StageCommandAsync("reset");
    }

    /// <summary>The mouse wheel turned <paramref name="steps"/> notches (down is positive): the next or previous frames of a multi-frame image, else images.</summary>
    [JSInvokable]
    public Task ScrollImages(int steps) => InvokeAsync(async () =>
    {
        if (_description is { Frames: > 1 } d)
        {
            StopPlaying();
            _frame = Math.Clamp(_frame + steps, 1, d.Frames);
        }
        else if (_instances.Count > 0)
        {
            int index = Math.Clamp(_index + steps, 0, _instances.Count - 1);
            if (index != _index)
            {
                await StepImageAsync(index - _index);
            }
        }

        StateHasChanged();
    });

    /// <summary>
    /// A window drag began (right button, or Shift and the left): it starts from the window shown, which for a file
    /// without one is the range of the frame's values.
    /// </summary>
    [JSInvokable]
    public async Task StartWindowDrag()
    {
        if (_description is not { IsMonochrome: true, Refusal: null } || _instances.Count == 0)
        {
            _dragStart = null;
            return;
        }

        VoiWindow? start = SelectedWindow();
        if (start is null)
        {
            try
            {
                await using Stream stream = Blobs.OpenRead(BlobKey.Parse(_instances[_index].BlobKey));
                start = await Rendition.DefaultWindowAsync(stream, _frame, _disposed.Token);
            }
            catch (Exception e) when (e is FrameException or RenderingException or IOException)
            {
                start = null;
            }
        }

        _dragStart = start;
    }

    /// <summary>
    /// The mouse moved <paramref name="dx"/>, <paramref name="dy"/> CSS pixels since the window drag began: sideways
    /// changes the width (right: wider, less contrast), up and down the center (down: higher, darker), by the start
    /// width / 256 per pixel, so a drag across the picture covers about the window's own size.
    /// </summary>
    [JSInvokable]
    public Task DragWindow(double dx, double dy)
    {
        if (_dragStart is not { } start || !double.IsFinite(dx) || !double.IsFinite(dy))
        {
            return Task.CompletedTask;
        }

        double step = start.Width / 256;
        double Round(double value) => step >= 1 ? Math.Round(value) : Math.Round(value, 2);
        _customWidth = Math.Max(1, Round(start.Width + (dx * step)));
        _customCenter = Round(start.Center + (dy * step));
        _windowChoice = "custom";
        return InvokeAsync(StateHasChanged);
    }

    protected override async Task OnParametersSetAsync()
    {
        await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        _study = await StudyDetails.FindAsync(db, StudyInstanceUid, _disposed.Token);
        _notFound = _study is null;
        if (_study is null)
        {
            return;
        }

        _upload = await UploadRecords.FindAsync(db, StudyInstanceUid, showOriginalIds: false, _disposed.Token);
        string? first = _study.Series.FirstOrDefault(s => s.SeriesInstanceUid == Series)?.SeriesInstanceUid ?? _study.Series.FirstOrDefault()?.SeriesInstanceUid;
        if (first is not null && first != _seriesUid)
        {
            await SelectSeriesAsync(first);
        }
    }

    private async Task SelectSeriesAsync(string seriesUid)
    {
        StopPlaying();
        await using AsyncServiceScope scope = Scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        _seriesUid = seriesUid;
        _instances = [.. (await db.Instances.AsNoTracking()
                .Where(i => i.Series.SeriesInstanceUid == seriesUid && i.Series.Study.StudyInstanceUid == StudyInstanceUid)
                .OrderBy(i => i.InstanceNumber).ThenBy(i => i.SopInstanceUid)
                .Select(i => new { i.SopInstanceUid, i.BlobKey })
                .ToListAsync(_disposed.Token))
            .Select(i => (i.SopInstanceUid, i.BlobKey))];
        string? modality = _study?.Series.FirstOrDefault(s => s.SeriesInstanceUid == seriesUid)?.Modality;
        if (_windowChoice.StartsWith("ct-", StringComparison.Ordinal) && modality != "CT")
        {
            _windowChoice = "file";
        }

        await ShowImageAsync(0);
        await StageCommandAsync("reset");
    }

    private async Task ShowImageAsync(int index)
    {
        if (_instances.Count == 0)
        {
            _description = null;
            return;
        }

        _index = Math.Clamp(index, 0, _instances.Count - 1);
        _frame = 1;
        await using Stream stream = Blobs.OpenRead(BlobKey.Parse(_instances[_index].BlobKey));
        _description = await Rendition.DescribeAsync(stream, _disposed.Token);
        if (_windowChoice.StartsWith("file", StringComparison.Ordinal) && _windowChoice != "file"
            && int.Parse(_windowChoice.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture) >= _description.Windows.Count)
        {
            _windowChoice = "file";
        }
    }

    private Task StepImageAsync(int step)
    {
        StopPlaying();
        return ShowImageAsync(_index + step);
    }

    private Task ImageSliderAsync(ChangeEventArgs e) =>
        int.TryParse(e.Value?.ToString(), out int position) ? StepImageAsync(position - 1 - _index) : Task.CompletedTask;

    private void StepFrame(int step)
    {
        StopPlaying();
        if (_description is { Frames: > 1 } d)
        {
            _frame = ((_frame - 1 + step + d.Frames) % d.Frames) + 1;
        }
    }

    private void FrameSlider(ChangeEventArgs e)
    {
        if (int.TryParse(e.Value?.ToString(), out int frame) && _description is { Frames: > 1 } d)
        {
            StopPlaying();
            _frame = Math.Clamp(frame, 1, d.Frames);
        }
    }

    private async Task KeyAsync(KeyboardEventArgs e)
    {
        bool frames = _description is { Frames: > 1 };
        switch (e.Key)
        {
            case "ArrowLeft" when frames:
                StepFrame(-1);
                break;
            case "ArrowRight" when frames:
                StepFrame(1);
                break;
            case "ArrowLeft" or "ArrowUp":
                await StepImageAsync(-1);
                break;
            case "ArrowRight" or "ArrowDown":
                await StepImageAsync(1);
                break;
            case " " when frames:
                TogglePlay();
                break;
        }
    }

    /// <summary>Plays the frames at the rate the instance was recorded at (10 per second when it names none, at most 30).</summary>
    private void TogglePlay()
    {
        if (_playing)
        {
            StopPlaying();
            return;
        }

        if (_description is not { Frames: > 1 } d)
        {
            return;
        }

        _playing = true;
        _player = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        CancellationToken token = _player.Token;
        double rate = Math.Clamp(d.FramesPerSecond > 0 ? d.FramesPerSecond : 10, 1, 30);
        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / rate));
            try
            {
                while (await timer.WaitForNextTickAsync(token))
                {
                    await InvokeAsync(() =>
                    {
                        _frame = (_frame % d.Frames) + 1;
                        StateHasChanged();
                    });
                }
            }
            catch (OperationCanceledException)
            {
                // Paused, another image chosen, or the page closed.
            }
        }, CancellationToken.None);
    }

    private void StopPlaying()
    {
        _playing = false;
        _player?.Cancel();
        _player?.Dispose();
        _player = null;
    }

    private IEnumerable<(string Key, string Name, VoiWindow? Window)> WindowChoices()
    {
        IReadOnlyList<VoiWindow> windows = _description?.Windows ?? [];
        yield return ("file", windows.Count > 0 ? $"From the file ({windows[0].Center:0.##} / {windows[0].Width:0.##})" : "Full range", null);
        for (int i = 1; i < windows.Count; i++)
        {
            yield return ($"file{i}", $"From the file, {i + 1} ({windows[i].Center:0.##} / {windows[i].Width:0.##})", windows[i]);
        }

        if (_study?.Series.FirstOrDefault(s => s.SeriesInstanceUid == _seriesUid)?.Modality == "CT")
        {
            foreach ((string key, string name, VoiWindow window) in CtPresets)
            {
                yield return (key, name, window);
            }
        }
    }

    private VoiWindow? SelectedWindow()
    {
        if (_windowChoice == "custom")
        {
            return _customCenter is { } c && _customWidth is { } w && double.IsFinite(c) && double.IsFinite(w) && w >= 1 ? new VoiWindow(c, w) : null;
        }

        return WindowChoices().FirstOrDefault(choice => choice.Key == _windowChoice).Window;
    }

    private void WindowChosen()
    {
        if (_windowChoice == "custom" && _customCenter is null)
        {
            VoiWindow start = SelectedWindowOrFile();
            (_customCenter, _customWidth) = (start.Center, start.Width);
        }
    }

    private VoiWindow SelectedWindowOrFile() => _description?.Windows is [var first, ..] ? first : new VoiWindow(40, 400);

    /// <summary>Pixel Spacing (row, column) for measuring in millimetres, as the file gives it; empty when it gives none.</summary>
    private string PixelSpacingAttribute => _description?.Facts is { PixelSpacingRow: { } row, PixelSpacingColumn: { } column }
        ? string.Create(CultureInfo.InvariantCulture, $"{row:R}\\{column:R}")
        : "";

    private SeriesRow? SelectedSeries => _study?.Series.FirstOrDefault(s => s.SeriesInstanceUid == _seriesUid);

    /// <summary>Where the image lies: its place in the series, its Instance Number, frame, slice location and thickness.</summary>
    private IEnumerable<string> PositionLines()
    {
        Rendition.ImageFacts? facts = _description?.Facts;
        yield return $"Image {_index + 1} / {_instances.Count}" + (facts?.InstanceNumber is { } number ? $" (number {number})" : "");
        if (_description is { Frames: > 1 } d)
        {
            yield return $"Frame {_frame} / {d.Frames}";
        }

        if (facts?.SliceLocation is { } location)
        {
            yield return $"Location {location.ToString("0.##", CultureInfo.InvariantCulture)} mm";
        }

        if (facts?.SliceThickness is { } thickness)
        {
            yield return $"Thickness {thickness.ToString("0.##", CultureInfo.InvariantCulture)} mm";
        }
    }

    /// <summary>How the image is drawn: its window, its size in pixels and a pixel's size in millimetres.</summary>
    private IEnumerable<string> PictureLines()
    {
        if (_description is { IsMonochrome: true, Refusal: null })
        {
            VoiWindow? window = SelectedWindow() ?? (_description.Windows.Count > 0 ? _description.Windows[0] : null);
            yield return window is { } w
                ? $"W {w.Width.ToString("0.##", CultureInfo.InvariantCulture)} · C {w.Center.ToString("0.##", CultureInfo.InvariantCulture)}"
                : "Full range";
        }

        if (_description is { Rows: > 0 } d)
        {
            yield return $"{d.Columns} × {d.Rows}";
        }

        if (_description?.Facts is { PixelSpacingRow: { } row, PixelSpacingColumn: { } column })
        {
            yield return row == column
                ? $"{row.ToString("0.###", CultureInfo.InvariantCulture)} mm / pixel"
                : $"{column.ToString("0.###", CultureInfo.InvariantCulture)} × {row.ToString("0.###", CultureInfo.InvariantCulture)} mm / pixel";
        }
    }

    private string ThumbnailUrl(string seriesUid) => DicomWebApi.SeriesThumbnailUrl(StudyInstanceUid, seriesUid, 144);

    private static string E(string value) => Uri.EscapeDataString(value);

    private static string Plural(int count, string one, string many) => $"{count} {(count == 1 ? one : many)}";
}
