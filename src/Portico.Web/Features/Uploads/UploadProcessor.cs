using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Portico.Ingest.Pipeline;
using Portico.Web.Features.Instances;

namespace Portico.Web.Features.Uploads;

/// <summary>
/// Sends finished uploads through the ingest pipeline (a DICOM file, or a ZIP archive walked entry by entry) and
/// records their outcomes; also removes expired uploads. Uploads that were being processed when the server stopped
/// are processed again at start (ingest is idempotent: what was already stored comes back as a duplicate).
/// </summary>
public sealed partial class UploadProcessor(
    UploadStore store,
    IServiceScopeFactory scopes,
    IngestPipeline pipeline,
    IOptions<UploadOptions> options,
    TimeProvider clock,
    ILogger<UploadProcessor> logger) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finished = new(StringComparer.Ordinal);

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
        await Parallel.ForEachAsync(
            _queue.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.ProcessingConcurrency), CancellationToken = stoppingToken },
            async (id, ct) => await ProcessAsync(id, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await sweeping.ConfigureAwait(false);
    }

    private async Task ProcessAsync(string id, CancellationToken cancellationToken)
    {
        UploadRecord? record = store.Find(id);
        if (record is not { State: UploadState.Processing })
        {
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
            else
            {
                await using AsyncServiceScope scope = scopes.CreateAsyncScope();
                UploadReceiver receiver = scope.ServiceProvider.GetRequiredService<UploadReceiver>();
                if (await IsZipAsync(path, cancellationToken).ConfigureAwait(false))
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

    private TaskCompletionSource Signal(string id) =>
        _finished.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>A ZIP archive starts with a local file header (or, when empty, the end-of-directory record).</summary>
    internal static async Task<bool> IsZipAsync(string path, CancellationToken cancellationToken)
    {
        byte[] magic = new byte[4];
        await using FileStream stream = File.OpenRead(path);
        int n = await stream.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return n == 4 && magic[0] == 'P' && magic[1] == 'K' && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
    }

    [LoggerMessage(4110, LogLevel.Error, "Upload {Id} could not be processed")]
    private static partial void LogFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(4111, LogLevel.Information, "Upload {Id} processed: {State}, {Count} results")]
    private static partial void LogProcessed(ILogger logger, string id, UploadState state, int count);

    [LoggerMessage(4112, LogLevel.Warning, "Sweeping expired uploads failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
