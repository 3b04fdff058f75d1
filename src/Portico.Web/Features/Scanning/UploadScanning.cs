using Microsoft.Extensions.Options;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Portico.Ingest.Zip;

namespace Portico.Web.Features.Scanning;

/// <summary>
/// The scan before ingest (<see cref="IUploadScanning"/>): a plain file is streamed to clamd as it is; a ZIP archive is
/// opened by <see cref="ZipWalker"/> (its bomb, traversal and nesting defences, within <see cref="ZipLimits"/>) and each
/// file entry, whatever its content, is streamed to clamd on its own, ZIPs inside ZIPs too. clamd alone would skip
/// ZIP64 entries and is no defence against a bomb. An infected file goes to the quarantine (<see cref="QuarantineService"/>).
/// </summary>
public sealed partial class UploadScanning(
    ClamAvScanner scanner,
    ZipWalker zipWalker,
    IOptions<ZipLimits> zipLimits,
    IngestPipeline pipeline,
    IOptions<ScanningOptions> options,
    IServiceScopeFactory scopes,
    ILogger<UploadScanning> logger) : IUploadScanning
{
    /// <summary>What the uploader reads while the scanner is down (or missing) and scanning is required.</summary>
    public const string WaitingReason = "The malware scanner is not available; your file waits and is scanned again shortly.";

    /// <summary>What the uploader reads when malware was found (the signature is for administrators only).</summary>
    public const string InfectedReason = "The file was refused: malware was found in it.";

    /// <summary>What the uploader reads when the file is over clamd's stream size limit.</summary>
    public const string TooLargeReason = "The file was refused: it is larger than the malware scanner accepts, so it cannot be checked. Ask your administrator to raise the scanner's limit (clamd StreamMaxLength).";

    public bool IsConfigured => scanner.IsConfigured;

    public bool IsRequired => options.Value.Required;

    public async Task<UploadScanResult> ScanAsync(string path, string displayName, IngestSource source, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(source);
        if (!IsConfigured)
        {
            return IsRequired ? new UploadScanResult(UploadScanStatus.Waiting, WaitingReason) : new UploadScanResult(UploadScanStatus.NotScanned);
        }

        (ScanResult found, string? entry, string? refusal) = await LooksLikeZipAsync(path, cancellationToken).ConfigureAwait(false)
            ? await ScanZipAsync(path, cancellationToken).ConfigureAwait(false)
            : (await ScanFileAsync(path, cancellationToken).ConfigureAwait(false), null, null);

        if (refusal is not null)
        {
            LogRefused(logger, source.Kind);
            return new UploadScanResult(UploadScanStatus.Refused, refusal, Entry: entry);
        }

        switch (found.Verdict)
        {
            case ScanVerdict.Clean:
                return new UploadScanResult(UploadScanStatus.Clean);
            case ScanVerdict.Infected:
                await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<QuarantineService>()
                        .QuarantineAsync(path, displayName, entry, found.Signature ?? "unknown", source, cancellationToken).ConfigureAwait(false);
                }

                return new UploadScanResult(UploadScanStatus.Infected, InfectedReason, found.Signature, entry);
            case ScanVerdict.Unavailable when found.TooLarge:
                return new UploadScanResult(UploadScanStatus.Refused, TooLargeReason, Entry: entry);
            default:
                if (IsRequired)
                {
                    return new UploadScanResult(UploadScanStatus.Waiting, WaitingReason);
                }

                LogIngestedUnscanned(logger, source.Kind);
                return new UploadScanResult(UploadScanStatus.NotScanned);
        }
    }

    /// <summary>A ZIP archive starts with a local file header (or, when empty, the end-of-directory record).</summary>
    internal static async Task<bool> LooksLikeZipAsync(string path, CancellationToken cancellationToken)
    {
        byte[] magic = new byte[4];
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        await using (stream.ConfigureAwait(false))
        {
            int n = await stream.ReadAtLeastAsync(magic, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return n == 4 && magic[0] == 'P' && magic[1] == 'K' && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
        }
    }

    private async Task<ScanResult> ScanFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await scanner.ScanAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Scans every file entry on its own; stops at the first that is not clean (its result and name). A refusal by the
    /// walker (a bomb, a damaged archive) or an entry it would not unpack for safety (a path leading outside the archive,
    /// an absolute path, a ZIP nested too deep) refuses the whole file: what cannot be opened safely cannot be scanned.
    /// </summary>
    private async Task<(ScanResult Found, string? Entry, string? Refusal)> ScanZipAsync(string path, CancellationToken cancellationToken)
    {
        ScanResult? stoppedBy = null;
        string? stoppedAt = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ZipWalkResult walk;
        try
        {
            walk = await zipWalker.WalkAsync(
                path,
                pipeline.TempDirectory,
                zipLimits.Value,
                ZipWalkEntries.All,
                async (name, entryPath, ct) =>
                {
                    ScanResult result = await ScanFileAsync(entryPath, ct).ConfigureAwait(false);
                    if (result.Verdict != ScanVerdict.Clean)
                    {
                        (stoppedBy, stoppedAt) = (result, name);
                        await stop.CancelAsync().ConfigureAwait(false);
                    }
                },
                stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppedBy is not null && !cancellationToken.IsCancellationRequested)
        {
            return (stoppedBy, stoppedAt, null);
        }

        if (stoppedBy is not null)
        {
            return (stoppedBy, stoppedAt, null); // the last entry: the walk ended before it noticed the stop
        }

        if (walk.Refused)
        {
            return (ScanResult.Clean, null, walk.RefusalReason);
        }

        foreach (ZipEntryReport report in walk.Entries)
        {
            if (report.Disposition is ZipEntryDisposition.SkippedTraversal or ZipEntryDisposition.SkippedAbsolutePath or ZipEntryDisposition.SkippedNestedTooDeep)
            {
                return (ScanResult.Clean, report.Name, report.Reason);
            }
        }

        return (ScanResult.Clean, null, null);
    }

    [LoggerMessage(7103, LogLevel.Warning, "An upload from a {SourceKind} source was refused by the malware scan: its ZIP archive cannot be opened safely")]
    private static partial void LogRefused(ILogger logger, IngestSourceKind sourceKind);

    [LoggerMessage(7104, LogLevel.Warning, "The malware scanner is unavailable and scanning is not required: an upload from a {SourceKind} source is ingested unscanned")]
    private static partial void LogIngestedUnscanned(ILogger logger, IngestSourceKind sourceKind);
}
