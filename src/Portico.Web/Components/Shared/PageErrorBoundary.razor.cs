using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Portico.Web.Components.Shared;

public sealed partial class PageErrorBoundary
{
    private string _failedAt = "";

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<PageErrorBoundary> Logger { get; set; } = default!;

    /// <summary>Logs the error as an error (ErrorBoundary's own logging is a warning), with the path but not the query,
    /// which can hold a patient's name searched for.</summary>
    protected override Task OnErrorAsync(Exception exception)
    {
        _failedAt = Clock.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        LogPageFailed(Logger, "/" + Navigation.ToBaseRelativePath(Navigation.Uri).Split('?', '#')[0], exception);
        return Task.CompletedTask;
    }

    [LoggerMessage(5030, LogLevel.Error, "Page {Path} failed; it shows the error in its place, the rest of the app goes on")]
    private static partial void LogPageFailed(ILogger logger, string path, Exception exception);
}
