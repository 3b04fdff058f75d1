using Microsoft.Extensions.Logging;

namespace Portico.Index;

/// <summary>
/// Index log messages, event ids 3100-3199 (Storage has 3000-3099). Table names, counts and durations only, never
/// row content. Next free id: 3102.
/// </summary>
internal static partial class IndexLog
{
    [LoggerMessage(EventId = 3100, EventName = "PlannerStatisticsRefreshed", Level = LogLevel.Information,
        Message = "SQLite planner statistics refreshed ({Tables}) in {ElapsedMs:F0} ms")]
    public static partial void PlannerStatisticsRefreshed(this ILogger logger, string tables, double elapsedMs);

    [LoggerMessage(EventId = 3101, EventName = "PlannerStatisticsFailed", Level = LogLevel.Warning,
        Message = "Refreshing the SQLite planner statistics failed; queries keep the previous statistics")]
    public static partial void PlannerStatisticsFailed(this ILogger logger, Exception exception);
}
