using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portico.Index;

/// <summary>
/// Keeps SQLite's query planner statistics (<c>sqlite_stat1</c>) current the way SQLite recommends for a long-lived
/// application: <c>PRAGMA optimize</c> at start (after the migrations) and then every <see cref="Interval"/>. It
/// analyzes a table only when one of its indexes has no statistics yet or the table has grown or shrunk ten-fold since
/// it was last analyzed, under a temporary analysis limit, so it is usually a no-op. Without statistics SQLite assumes
/// about ten rows per key of every index, and some Study List plans go wrong: sorting 100,000 studies by patient name
/// joined and sorted every study (0.5 to 1.4 s) instead of walking the patient-name index (a few ms). PostgreSQL keeps
/// its own statistics (autovacuum), so this does nothing there.
/// </summary>
internal sealed class SqlitePlannerStatistics(
    IDbContextFactory<PorticoDbContext> contexts,
    IOptions<DatabaseOptions> options,
    TimeProvider clock,
    ILogger<SqlitePlannerStatistics> logger) : BackgroundService
{
    /// <summary>How often the statistics are checked after the first time, at start.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>
    /// <c>PRAGMA optimize</c> mask: 0x2 runs ANALYZE where it helps, 0x10 under a temporary analysis limit, 0x10000
    /// checks every table (this connection has run no queries of its own; without the bit it would check none).
    /// </summary>
    private const int OptimizeMask = 0x10012;

    /// <summary>Debug mode: lists the ANALYZE statements optimize would run, and runs none.</summary>
    private const int ListOnly = 0x1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.PlannerStatisticsFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Runs <c>PRAGMA optimize</c>; returns the tables that got new statistics (none when they were current). An empty
    /// table gets none, and optimize keeps offering to analyze it, so it is analyzed each time (at no cost) but not
    /// reported.
    /// </summary>
    internal async Task<IReadOnlyList<string>> RefreshAsync(CancellationToken cancellationToken)
    {
        PorticoDbContext db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            DbConnection connection = db.Database.GetDbConnection();
            List<string> planned = await ReadAsync(connection, $"PRAGMA optimize = {OptimizeMask | ListOnly}", cancellationToken).ConfigureAwait(false);
            if (planned.Count == 0)
            {
                return [];
            }

            long started = Stopwatch.GetTimestamp();
            await ReadAsync(connection, $"PRAGMA optimize = {OptimizeMask}", cancellationToken).ConfigureAwait(false);
            double elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // The plan lines read 'ANALYZE "main"."Studies"'; table names are identifiers of the model, never input.
            HashSet<string> analyzed = [.. planned.Select(line => line[(line.LastIndexOf('.') + 1)..].Trim('"'))];
            List<string> withStatistics = await ReadAsync(connection, "SELECT DISTINCT tbl FROM sqlite_stat1", cancellationToken).ConfigureAwait(false);
            string[] tables = [.. withStatistics.Where(analyzed.Contains).Order(StringComparer.Ordinal)];
            if (tables.Length > 0 && logger.IsEnabled(LogLevel.Information))
            {
                logger.PlannerStatisticsRefreshed(string.Join(", ", tables), elapsedMs);
            }

            return tables;
        }
    }

    private static async Task<List<string>> ReadAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        DbCommand command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            var lines = new List<string>();
            DbDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    lines.Add(reader.GetString(0));
                }
            }

            return lines;
        }
    }
}
