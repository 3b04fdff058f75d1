using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Portico.Ingest.Pipeline;
using Portico.Web.Features.Instances;
using Portico.Web.Features.Scanning;

namespace Portico.Web.Features.Uploads;

/// <summary>
/// Sends finished uploads through the ingest pipeline (a DICOM file, or a ZIP archive walked entry by entry) and
/// records their outcomes; also removes expired uploads. Uploads that were being processed when the server stopped
/// are processed again at start (ingest is idempotent: what was already stored comes back as a duplicate).
/// Each upload is scanned for malware first (<see cref="IUploadScanning"/>): an infected one goes to the quarantine and
/// its result says refused; while the scanner is down and scanning is required, the upload stays Processing with
/// <see cref="UploadRecord.Waiting"/> set and is scanned again every <see cref="ScanningOptions.RetryInterval"/>.
/// </summary>
public sealed partial class UploadProcessor(
    UploadStore store,
    IServiceScopeFactory scopes,
    IngestPipeline pipeline,
    IUploadScanning scanning,
    IOptions<UploadOptions> options,
    IOptions<ScanningOptions> scanningOptions,
    TimeProvider clock,
    ILogger<UploadProcessor> logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finished = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _inProgress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _waiting = new(StringComparer.Ordinal);

    public void Enqueue(string id)
    {
        Signal(id);
        _queue.Writer.TryWrite(id);
    }

    /// <summary>Completes when the upload's processing has finished, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task finished = Signal(id).Task;
        if (store.Find(id) is not { State: UploadState.Processing })
        {
            _finished.TryRemove(id, out _);
            return;
        }

        try
        {
            await finished.WaitAsync(timeout, clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (UploadRecord record in store.All())
        {
            if (record.State == UploadState.Processing)
            {
                Enqueue(record.Id);
            }
        }

        Task sweeping = SweepAsync(stoppingToken);
        Task retrying = RetryWaitingAsync(stoppingToken);
        await Parallel.ForEachAsync(
            _queue.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.ProcessingConcurrency), CancellationToken = stoppingToken },
            async (id, ct) =>
            {
                // The retry loop may queue an upload that is still being processed: one at a time.
                if (_inProgress.TryAdd(id, 0))
                {
                    try
                    {
                        await ProcessAsync(id, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        _inProgress.TryRemove(id, out _);
                    }
                }
            }).ConfigureAwait(false);
        await sweeping.ConfigureAwait(false);
        await retrying.ConfigureAwait(false);
    }

    private async Task ProcessAsync(string id, CancellationToken cancellationToken)
    {
        UploadRecord? record = store.Find(id);
        if (record is not { State: UploadState.Processing })
        {
            _waiting.TryRemove(id, out _);
            return;
        }

        string path = store.DataPath(id);
        try
        {
            if (!File.Exists(path))
            {
                // A DICOM file is moved into the pipeline; a restart after that finds nothing to process again.
                record.State = UploadState.Failed;
                record.Error = "The server restarted while this upload was being processed. If it was stored it is in the Study List; upload it again to find out (a stored file is reported as a duplicate).";
            }
            else if (await scanning.ScanAsync(path, record.FileName, record.Source, cancellationToken).ConfigureAwait(false) is { MayIngest: false } scan)
            {
                if (scan.Status == UploadScanStatus.Waiting)
                {
                    await WaitForScannerAsync(record, scan.Reason).ConfigureAwait(false);
                    return;
                }

                record.Waiting = null;
                record.Results = [new InstanceUploadResult(scan.Entry ?? record.FileName, null, null, "Rejected", RefusalForStaff(scan))];
                record.State = UploadState.Completed;
            }
            else
            {
                record.Waiting = null;
                await using AsyncServiceScope scope = scopes.CreateAsyncScope();
                UploadReceiver receiver = scope.ServiceProvider.GetRequiredService<UploadReceiver>();
                if (await UploadScanning.LooksLikeZipAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    record.Results = await receiver.ReceiveZipFileAsync(path, record.FileName, record.Source, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    string spooled = Path.Combine(pipeline.TempDirectory, "upload-" + id);
                    Directory.CreateDirectory(pipeline.TempDirectory);
                    File.Move(path, spooled, overwrite: true);
                    record.Results = [await receiver.ReceiveDicomFileAsync(spooled, record.FileName, record.Source, cancellationToken).ConfigureAwait(false)];
                }

                record.State = UploadState.Completed;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, id, ex);
            record.State = UploadState.Failed;
            record.Error = "The upload could not be processed; try again. The server log has the details.";
        }
        catch (OperationCanceledException)
        {
            return; // shutting down: processed again at the next start
        }

        _waiting.TryRemove(id, out _);
        DateTime now = clock.GetUtcNow().UtcDateTime;
        record.CompletedAt = now;
        record.ExpiresAt = now + options.Value.Expiration;
        await store.SaveAsync(record, CancellationToken.None).ConfigureAwait(false);
        store.DeleteData(id);
        if (_finished.TryRemove(id, out TaskCompletionSource? done))
        {
            done.TrySetResult();
        }

        LogProcessed(logger, id, record.State, record.Results?.Count ?? 0);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                store.SweepExpired();
            }
            catch (IOException ex)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The scanner is down (or missing) and scanning is required: the upload keeps its bytes and stays Processing, its
    /// outcome says it is waiting, and <see cref="RetryWaitingAsync"/> scans it again. Whoever waits for its outcome is
    /// told once, when it starts waiting.
    /// </summary>
    private async Task WaitForScannerAsync(UploadRecord record, string? reason)
    {
        bool first = record.Waiting is null;
        record.Waiting = reason ?? UploadScanning.WaitingReason;
        _waiting.TryAdd(record.Id, 0);
        await store.SaveAsync(record, CancellationToken.None).ConfigureAwait(false);
        if (first)
        {
            LogWaiting(logger, record.Id);
            if (_finished.TryRemove(record.Id, out TaskCompletionSource? told))
            {
                told.TrySetResult();
            }
        }
    }

    /// <summary>Queues the uploads waiting for the scanner again, every <see cref="ScanningOptions.RetryInterval"/>.</summary>
    private async Task RetryWaitingAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(scanningOptions.Value.RetryInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (string id in _waiting.Keys)
            {
                if (!_inProgress.ContainsKey(id))
                {
                    _queue.Writer.TryWrite(id);
                }
            }
        }
    }

    /// <summary>Staff may read the signature (portal uploaders never do).</summary>
    private static string RefusalForStaff(UploadScanResult scan) =>
        scan.Status == UploadScanStatus.Infected && scan.Signature is { Length: > 0 } signature
            ? $"{scan.Reason?.TrimEnd('.')} ({signature}{(scan.Entry is null ? "" : ", in the ZIP archive")}). It was moved to the quarantine."
            : scan.Reason ?? "The file was refused by the malware scan.";

    private TaskCompletionSource Signal(string id) =>
        _finished.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    [LoggerMessage(4110, LogLevel.Error, "Upload {Id} could not be processed")]
    private static partial void LogFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(4111, LogLevel.Information, "Upload {Id} processed: {State}, {Count} results")]
    private static partial void LogProcessed(ILogger logger, string id, UploadState state, int count);

    [LoggerMessage(4112, LogLevel.Warning, "Sweeping expired uploads failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(4113, LogLevel.Warning, "Upload {Id} waits for the malware scanner, which is not available; it is scanned again every RetryInterval")]
    private static partial void LogWaiting(ILogger logger, string id);
}
