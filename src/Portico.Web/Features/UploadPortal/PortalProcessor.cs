using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Index.UploadPortal;
using Portico.Storage;
using Portico.Web.Features.Instances;
using Portico.Web.Features.Scanning;
using Portico.Web.Features.Uploads;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// Works through finished portal sessions: each file is scanned (<see cref="IUploadScanning"/>), then DICOM files and
/// ZIP archives go through the ingest pipeline with the session as source (the intake policy gives them new
/// identifiers) and attachments are kept with their study. While a required scanner is away the session waits and is
/// retried every few seconds, with nothing ingested. Sessions being processed when the server stopped are taken up
/// again at start: a file counts as done only once its outcome is saved, and ingest is idempotent.
/// </summary>
public sealed partial class PortalProcessor(
    IServiceScopeFactory scopes,
    UploadStore store,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<PortalProcessor> logger) : BackgroundService
{
    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();
    private readonly ConcurrentDictionary<Guid, byte> _running = new();
    private readonly TimeSpan _retry = configuration.GetValue("Portico:UploadPortal:ScannerRetryInterval", TimeSpan.FromSeconds(5));

    /// <summary>The source recorded on a session's instances: the intake policy finds the session by its id.</summary>
    public static IngestSource SourceOf(Guid sessionId, string name, string? address) =>
        new(IngestSourceKind.UploadCode, sessionId.ToString(), name, address);

    public void Enqueue(Guid sessionId) => _queue.Writer.TryWrite(sessionId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await EnqueueWaitingAsync(stoppingToken).ConfigureAwait(false);
        Task retrying = RetryAsync(stoppingToken);
        try
        {
            await foreach (Guid id in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (_running.TryAdd(id, 0))
                {
                    _ = Task.Run(() => RunAsync(id, stoppingToken), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await retrying.ConfigureAwait(false);
    }

    private async Task RunAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            await ProcessAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // shutting down: taken up again at the next start
        }
        catch (Exception ex)
        {
            LogFailed(logger, id, ex);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    private async Task RetryAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_retry, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await EnqueueWaitingAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sessions finished but not completed: at start, and every few seconds for those waiting for the scanner.</summary>
    private async Task EnqueueWaitingAsync(CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        List<Guid> waiting = await db.PortalSessions.AsNoTracking()
            .Where(s => s.State == PortalSessionState.Validating || s.State == PortalSessionState.WaitingForScanner)
            .Select(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (Guid id in waiting)
        {
            Enqueue(id);
        }
    }

    private async Task ProcessAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        IServiceProvider services = scope.ServiceProvider;
        PorticoDbContext db = services.GetRequiredService<PorticoDbContext>();
        PortalSession? session = await db.PortalSessions.FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken).ConfigureAwait(false);
        if (session is not { State: PortalSessionState.Validating or PortalSessionState.WaitingForScanner })
        {
            return;
        }

        IngestSource source = SourceOf(session.Id, "code …" + session.CodeHint, session.RemoteAddress);
        IUploadScanning? scanning = services.GetService<IUploadScanning>();
        UploadReceiver receiver = services.GetRequiredService<UploadReceiver>();

        // DICOM first, so the studies exist when their attachments are kept.
        List<PortalFile> pending = [.. (await db.PortalFiles.Where(f => f.SessionId == sessionId && f.Status == PortalFileStatus.Received).ToListAsync(cancellationToken).ConfigureAwait(false))
            .OrderBy(f => f.Kind == PortalTusProfile.AttachmentKind).ThenBy(f => f.CreatedAt).ThenBy(f => f.Id)];
        foreach (PortalFile file in pending)
        {
            string path = store.DataPath(file.UploadId);
            if (!File.Exists(path))
            {
                Refuse(file, "The file was lost on the server before it could be checked. Please upload it again.");
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            UploadScanResult scan = scanning is null
                ? new UploadScanResult(UploadScanStatus.NotScanned)
                : await scanning.ScanAsync(path, file.FileName, source, cancellationToken).ConfigureAwait(false);
            if (scan.Status == UploadScanStatus.Waiting)
            {
                session.State = PortalSessionState.WaitingForScanner;
                session.Message = null;
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                LogWaiting(logger, sessionId);
                return;
            }

            if (session.State == PortalSessionState.WaitingForScanner)
            {
                session.State = PortalSessionState.Validating;
            }

            switch (scan.Status)
            {
                case UploadScanStatus.Infected:
                    file.Status = PortalFileStatus.Infected;
                    file.Reason = scan.Reason ?? "The file contains malware and was refused.";
                    break;
                case UploadScanStatus.Refused:
                    Refuse(file, scan.Reason ?? "The file cannot be checked safely and was refused.");
                    break;
                default:
                    if (file.Kind == PortalTusProfile.AttachmentKind)
                    {
                        await KeepAttachmentAsync(db, services.GetRequiredService<IBlobStore>(), session, file, path, clock.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await IngestAsync(receiver, file, path, source, cancellationToken).ConfigureAwait(false);
                    }

                    break;
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            store.Delete(file.UploadId); // an infected file's bytes are already in the scanner's quarantine
        }

        await CompleteAsync(db, session, cancellationToken).ConfigureAwait(false);
    }

    private static async Task IngestAsync(UploadReceiver receiver, PortalFile file, string path, IngestSource source, CancellationToken cancellationToken)
    {
        List<InstanceUploadResult> results;
        if (await UploadScanning.LooksLikeZipAsync(path, cancellationToken).ConfigureAwait(false))
        {
            results = await receiver.ReceiveZipFileAsync(path, file.FileName, source, cancellationToken).ConfigureAwait(false);
            // A zipped CD's DICOMDIR is its index, not an image: left out, as the page leaves it out of a folder.
            results = [.. results.Where(r => !(r.Status == "Skipped" && IsDicomDir(r.File)))
                .Select(r => r.File == file.FileName ? r : r with { File = file.FileName + "/" + r.File })];
        }
        else
        {
            // Read from the upload store (a copy is spooled): the bytes stay until the outcome is saved.
            await using FileStream stream = File.OpenRead(path);
            results = [await receiver.ReceiveDicomAsync(stream, file.FileName, source, cancellationToken).ConfigureAwait(false)];
        }

        List<PortalSessionService.InstanceResult> outcomes = [.. results.Select(r => new PortalSessionService.InstanceResult(
            r.File,
            r.Status switch { "Stored" => PortalFileStatus.Stored, "Duplicate" => PortalFileStatus.Duplicate, _ => PortalFileStatus.Refused },
            r.Status is "Stored" or "Duplicate" ? null : r.Reason ?? "The file could not be stored.",
            r.StudyInstanceUid))];
        file.ResultsJson = JsonSerializer.Serialize(outcomes, PortalSessionService.Json);
        int refused = outcomes.Count(o => o.Status == PortalFileStatus.Refused);
        file.Status = outcomes.Count == 0 || refused == outcomes.Count ? PortalFileStatus.Refused
            : outcomes.All(o => o.Status == PortalFileStatus.Duplicate) ? PortalFileStatus.Duplicate
            : PortalFileStatus.Stored;
        file.Reason = outcomes.Count == 0 ? "The archive holds no DICOM files." : refused > 0 ? $"{refused} of {outcomes.Count} files were refused." : null;
    }

    private static bool IsDicomDir(string entry) =>
        Path.GetFileName(entry.Replace('\\', '/')).TrimEnd('.').Equals("DICOMDIR", StringComparison.OrdinalIgnoreCase);

    private static async Task KeepAttachmentAsync(PorticoDbContext db, IBlobStore blobs, PortalSession session, PortalFile file, string path, DateTime now, CancellationToken cancellationToken)
    {
        string? type = await FileSignatures.DetectAsync(path, cancellationToken).ConfigureAwait(false);
        if (type is null)
        {
            Refuse(file, PortalRules.AttachmentTypeMessage);
            return;
        }

        string studyUid = file.StudyInstanceUid ?? "";
        if (!await db.Studies.AnyAsync(s => s.StudyInstanceUid == studyUid, cancellationToken).ConfigureAwait(false)
            || !await db.PortalStudies.AnyAsync(s => s.SessionId == session.Id && s.StudyInstanceUid == studyUid && s.NewAccessionNumber != null, cancellationToken).ConfigureAwait(false))
        {
            Refuse(file, "The study this file belongs to was not stored, so the file was not kept either.");
            return;
        }

        // The blob first, then the row that points to it (DESIGN.md: nothing is half-stored).
        BlobInfo blob;
        await using (FileStream stream = File.OpenRead(path))
        {
            blob = await blobs.WriteAsync(stream, long.MaxValue, cancellationToken).ConfigureAwait(false);
        }

        if (!await db.PortalAttachments.AnyAsync(a => a.SessionId == session.Id && a.StudyInstanceUid == studyUid && a.BlobKey == blob.Key.Sha256Hex, cancellationToken).ConfigureAwait(false))
        {
            db.PortalAttachments.Add(new PortalAttachment
            {
                SessionId = session.Id,
                StudyInstanceUid = studyUid,
                FileName = Path.GetFileName(file.FileName.Replace('\\', '/')) is { Length: > 0 } name ? IndexLimits.Fit(name, IndexLimits.NameMaxLength) : "attachment",
                ContentType = type,
                BlobKey = blob.Key.Sha256Hex,
                SizeBytes = blob.Length,
                CreatedAt = now,
            });
        }

        file.Status = PortalFileStatus.Stored;
        file.Reason = null;
    }

    /// <summary>Every file dealt with: the counts shown on the study page, and the session completed.</summary>
    private async Task CompleteAsync(PorticoDbContext db, PortalSession session, CancellationToken cancellationToken)
    {
        List<PortalFile> files = await db.PortalFiles.AsNoTracking().Where(f => f.SessionId == session.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var instances = files.Where(f => f.ResultsJson is not null)
            .SelectMany(f => JsonSerializer.Deserialize<List<PortalSessionService.InstanceResult>>(f.ResultsJson!, PortalSessionService.Json) ?? [])
            .Where(r => r.Status is PortalFileStatus.Stored or PortalFileStatus.Duplicate && r.StudyInstanceUid is not null)
            .ToList();
        List<PortalStudy> studies = await db.PortalStudies.Where(s => s.SessionId == session.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (PortalStudy study in studies)
        {
            study.DicomFiles = instances.Count(r => r.StudyInstanceUid == study.StudyInstanceUid);
            study.NonDicomFiles = files.Count(f => f.Kind == PortalTusProfile.AttachmentKind && f.StudyInstanceUid == study.StudyInstanceUid && f.Status == PortalFileStatus.Stored);
        }

        session.DicomFiles = instances.Count;
        session.NonDicomFiles = files.Count(f => f.Kind == PortalTusProfile.AttachmentKind && f.Status == PortalFileStatus.Stored);
        session.State = PortalSessionState.Completed;
        session.CompletedAt = clock.GetUtcNow().UtcDateTime;
        session.Message = null;
        int refused = files.Count(f => f.Status is PortalFileStatus.Refused or PortalFileStatus.Infected);
        db.AuditEntries.Add(PortalSessionService.Audit(clock, session, "UploadPortal.Completed", $"{session.DicomFiles} DICOM instances and {session.NonDicomFiles} non-DICOM files stored; {refused} files refused", session.RemoteAddress));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        LogCompleted(logger, session.Id, session.DicomFiles, session.NonDicomFiles, refused);
    }

    private static void Refuse(PortalFile file, string reason)
    {
        file.Status = PortalFileStatus.Refused;
        file.Reason = IndexLimits.Fit(reason, IndexLimits.ReasonMaxLength);
    }

    [LoggerMessage(4300, LogLevel.Error, "Portal session {Id} could not be processed")]
    private static partial void LogFailed(ILogger logger, Guid id, Exception exception);

    [LoggerMessage(4301, LogLevel.Warning, "Portal session {Id} waits for the malware scanner")]
    private static partial void LogWaiting(ILogger logger, Guid id);

    [LoggerMessage(4302, LogLevel.Information, "Portal session {Id} completed: {Instances} instances, {Attachments} attachments stored, {Refused} files refused")]
    private static partial void LogCompleted(ILogger logger, Guid id, int instances, int attachments, int refused);
}
