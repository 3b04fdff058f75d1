using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Audit;
using Portico.Index.UploadPortal;
using Portico.Web.Features.Uploads;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// Removes portal sessions that never reached the hospital: opened and left (no finish) or cancelled, whose cookie ran
/// out more than <c>Portico:UploadPortal:AbandonedSessionRetention</c> ago (7 days by default). Such a session still
/// holds what the uploader typed (e-mail, phone, comments, file names) and maybe files on disk; a hospital keeps none
/// of it for an upload it never received. Finished sessions are upload records of stored studies and are kept.
/// Runs at start and then hourly; each removal is audited (counts only).
/// </summary>
public sealed partial class AbandonedPortalSessions(
    IServiceScopeFactory scopes,
    UploadStore store,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<AbandonedPortalSessions> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Sessions removed per transaction; a full batch means more may wait, and the next follows at once.</summary>
    private const int BatchSize = 500;

    /// <summary>How long an abandoned session's data is kept after its cookie ran out.</summary>
    public TimeSpan Retention { get; } = configuration.GetValue("Portico:UploadPortal:AbandonedSessionRetention", TimeSpan.FromDays(7));

    /// <summary>Removes every abandoned session past the retention, with its files; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        DateTime cutoff = clock.GetUtcNow().UtcDateTime - Retention;
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        List<PortalSession> abandoned = await db.PortalSessions
            .Where(s => s.ExpiresAt < cutoff && (s.State == PortalSessionState.Open || s.State == PortalSessionState.Uploading || s.State == PortalSessionState.Cancelled))
            .OrderBy(s => s.ExpiresAt)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (abandoned.Count == 0)
        {
            return 0;
        }

        Guid[] ids = [.. abandoned.Select(s => s.Id)];
        List<string> uploads = await db.PortalFiles.Where(f => ids.Contains(f.SessionId)).Select(f => f.UploadId).ToListAsync(cancellationToken);
        foreach (string upload in uploads)
        {
            store.Delete(upload); // usually gone already: unfinished tus uploads expire on their own
        }

        DateTime now = clock.GetUtcNow().UtcDateTime;
        foreach (PortalSession session in abandoned)
        {
            db.AuditEntries.Add(new AuditEntry
            {
                At = now,
                Actor = "system",
                ActorKind = ActorKind.System,
                Action = "UploadPortal.SessionRemoved",
                Target = "portal session " + session.Id,
                Details = $"{{\"state\":\"{session.State}\",\"expiredAt\":\"{session.ExpiresAt:O}\"}}",
            });
        }

        // Files, studies, patient mappings and attachments of a session go with it (cascading foreign keys).
        db.PortalSessions.RemoveRange(abandoned);
        await db.SaveChangesAsync(cancellationToken);
        LogRemoved(logger, abandoned.Count, uploads.Count);
        return abandoned.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                while (await SweepAsync(stoppingToken).ConfigureAwait(false) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex); // tried again at the next tick
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(4310, LogLevel.Information, "Removed {Sessions} abandoned portal sessions ({Uploads} of their uploads)")]
    private static partial void LogRemoved(ILogger logger, int sessions, int uploads);

    [LoggerMessage(4311, LogLevel.Warning, "Removing abandoned portal sessions failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
