using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// The blobs are the source of truth. At start, every blob the index lacks (a crash between the blob's rename and
/// its index commit, or a lost index) is indexed again through the same commit path
/// (<see cref="IndexMaintenance.IndexUnreferencedBlobsAsync"/>); blobs that cannot be indexed (not DICOM, or a SOP
/// Instance UID already indexed with other content) are moved to the store's quarantine. Blobs are not hashed here,
/// to keep the start short; <c>admin rebuild-index</c> does. Until this has run, <see cref="Completed"/> is
/// unfinished and the server reports not ready.
/// </summary>
public sealed partial class IndexRecovery(IndexMaintenance maintenance, ILogger<IndexRecovery> logger) : BackgroundService
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completed => _completed.Task;

    /// <summary>Indexes every unreferenced blob; returns how many were indexed and how many set aside.</summary>
    public async Task<(int Indexed, int SetAside)> RecoverAsync(CancellationToken cancellationToken)
    {
        UnreferencedBlobsResult result = await maintenance.IndexUnreferencedBlobsAsync(verifyHashes: false, progress: null, cancellationToken).ConfigureAwait(false);
        LogRecovered(logger, result.Indexed, result.SetAside);
        return (result.Indexed, result.SetAside);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RecoverAsync(stoppingToken).ConfigureAwait(false);
            _completed.TrySetResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
            _completed.TrySetException(ex);
        }
    }

    [LoggerMessage(4020, LogLevel.Information, "Index recovery: {Indexed} blobs indexed, {SetAside} set aside")]
    private static partial void LogRecovered(ILogger logger, int indexed, int setAside);

    [LoggerMessage(4021, LogLevel.Error, "Index recovery failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
