using System.Diagnostics;
using Portico.Ingest.Pipeline;

namespace Portico.Web.Admin;

/// <summary>
/// Progress lines on standard error (standard output keeps only the summary): the start of each phase, then at most one
/// line a second, so a large store shows it is moving without flooding a terminal or a log file.
/// </summary>
internal sealed class ConsoleProgress(TextWriter error, string command) : IProgress<IndexMaintenanceProgress>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private string? _phase;
    private long _lastWritten;

    public void Report(IndexMaintenanceProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            bool newPhase = !string.Equals(value.Phase, _phase, StringComparison.Ordinal);
            if (!newPhase && Stopwatch.GetElapsedTime(_lastWritten) < Interval)
            {
                return;
            }

            _phase = value.Phase;
            _lastWritten = Stopwatch.GetTimestamp();
            string count = value switch
            {
                { Total: { } total } => $": {value.Done:N0} of {total:N0}",
                { Done: > 0 } => $": {value.Done:N0}",
                _ => "",
            };
            error.WriteLine($"{command}: {value.Phase}{count}");
        }
    }
}
