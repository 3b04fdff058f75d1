using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portico.Dicom;
using Portico.Dicom.IO;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Storage;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// The blobs are the source of truth. At start, every blob the index lacks (a crash between the blob's rename and
/// its index commit, or a lost index) is indexed again through the same commit path; blobs that turn out to be a
/// kept conflict or not DICOM are removed. Until this has run, <see cref="Completed"/> is unfinished and the server
/// reports not ready.
/// </summary>
public sealed partial class IndexRecovery(
    IServiceScopeFactory scopes,
    IBlobStore blobs,
    IndexCommitter committer,
    ILogger<IndexRecovery> logger) : BackgroundService
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completed => _completed.Task;

    /// <summary>Indexes every unreferenced blob; returns how many were indexed and how many removed.</summary>
    public async Task<(int Indexed, int Removed)> RecoverAsync(CancellationToken cancellationToken)
    {
        HashSet<string> referenced;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            referenced = [.. await db.Instances.AsNoTracking().Select(i => i.BlobKey).ToListAsync(cancellationToken).ConfigureAwait(false)];
        }

        int indexed = 0, removed = 0;
        var source = new IngestSource(IngestSourceKind.Import, "recovery", "Recovered from the blob store");
        await foreach (BlobInfo blob in blobs.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (referenced.Contains(blob.Key.Sha256Hex))
            {
                continue;
            }

            InstanceHeader? header = await ReadHeaderAsync(blob.Key, cancellationToken).ConfigureAwait(false);
            if (header is null)
            {
                await blobs.DeleteAsync(blob.Key, cancellationToken).ConfigureAwait(false);
                removed++;
                continue;
            }

            IngestOutcome outcome = await committer.CommitAsync(new PendingInstance(header, blob, source, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
            if (outcome.Status == IngestStatus.Stored)
            {
                indexed++;
            }
            else
            {
                removed++; // the committer already removed a kept conflict's blob; a duplicate shares its key
            }
        }

        LogRecovered(logger, indexed, removed);
        return (indexed, removed);
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

    private async Task<InstanceHeader?> ReadHeaderAsync(BlobKey key, CancellationToken cancellationToken)
    {
        try
        {
            await using Stream stream = blobs.OpenRead(key);
            DicomFile file = await DicomFile.ReadAsync(stream, DicomFileReadOptions.HeaderOnly, cancellationToken).ConfigureAwait(false);
            InstanceHeader header = InstanceHeader.From(file);
            return InstanceValidator.Validate(file, header) is null ? header : null;
        }
        catch (DicomFormatException)
        {
            return null;
        }
    }

    [LoggerMessage(4020, LogLevel.Information, "Index recovery: {Indexed} blobs indexed, {Removed} removed")]
    private static partial void LogRecovered(ILogger logger, int indexed, int removed);

    [LoggerMessage(4021, LogLevel.Error, "Index recovery failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
