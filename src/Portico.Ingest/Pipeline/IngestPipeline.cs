using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portico.Dicom;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Index.Studies;
using Portico.Storage;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// The one pipeline every source calls (C-STORE, uploads, portal, stress tests, agent): read the header, validate,
/// apply source policies, write the blob durably, commit the index (grouped with concurrent instances), raise an event.
/// </summary>
public sealed partial class IngestPipeline(
    IBlobStore blobs,
    IndexCommitter committer,
    IEnumerable<IIngestPolicy> policies,
    IOptions<IngestOptions> options,
    ILogger<IngestPipeline> logger)
{
    private readonly IIngestPolicy[] _policies = [.. policies];

    /// <summary>Where uploads are spooled: the blob store's temp directory (same file system, so blobs are moved, not copied).</summary>
    public string TempDirectory => blobs.TempDirectory;

    /// <summary>
    /// Streams <paramref name="content"/> to a temp file, hashing it on the way; null when more than
    /// <paramref name="maxBytes"/> arrive. <paramref name="length"/>: the size announced before the content arrives (an
    /// HTTP body's Content-Length; null when unknown, or for a seekable stream, which tells its own), so the blob store
    /// knows whether it will read the file back (<see cref="IBlobStore.CreateSpool"/>).
    /// </summary>
    public async Task<SpooledFile?> SpoolAsync(Stream content, long maxBytes, long? length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        SpoolWriter spool = blobs.CreateSpool("upload-", length ?? RemainingLength(content));
        string path = spool.Path;
        bool keep = false;
        try
        {
            // Durability comes later, from the blob store; the spool writes a large file with direct I/O, read straight
            // into its buffers.
            await using SpoolWriter file = spool;
            if (!await file.ReadFromAsync(content, maxBytes, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            BlobKey key = await file.CompleteAsync(cancellationToken).ConfigureAwait(false);
            keep = true;
            return new SpooledFile(path, file.Length, key);
        }
        finally
        {
            if (!keep)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>A new spool file in <see cref="TempDirectory"/>, named <paramref name="prefix"/> and a GUID (<see cref="IBlobStore.CreateSpool"/>).</summary>
    public SpoolWriter CreateSpool(string prefix) => blobs.CreateSpool(prefix);

    /// <summary>
    /// Spools and ingests one DICOM file sent as a stream (<paramref name="length"/> as for <see cref="SpoolAsync"/>);
    /// with <paramref name="waitForIndex"/> false a new instance is answered once its file is durable, before its index
    /// row commits.
    /// </summary>
    public async Task<IngestOutcome> IngestStreamAsync(Stream content, long? length, IngestSource source, bool waitForIndex, CancellationToken cancellationToken)
    {
        long max = options.Value.MaxFileBytes;
        SpooledFile? spooled = await SpoolAsync(content, max, length, cancellationToken).ConfigureAwait(false);
        if (spooled is null)
        {
            return IngestOutcome.Rejected($"The file is larger than the limit of {FormatBytes(max)}.");
        }

        return await IngestFileAsync(spooled.Path, spooled.Key, source, waitForIndex, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ingests a file spooled in <see cref="TempDirectory"/>. The file is moved into the blob store or deleted:
    /// the caller never has to clean up.
    /// </summary>
    public Task<IngestOutcome> IngestFileAsync(string path, IngestSource source, CancellationToken cancellationToken) =>
        IngestFileAsync(path, null, source, cancellationToken);

    /// <summary>
    /// <see cref="IngestFileAsync(string, IngestSource, CancellationToken)"/> for a file whose SHA-256 is already known
    /// (computed while spooling), so its bytes are not read twice.
    /// </summary>
    public Task<IngestOutcome> IngestFileAsync(string path, BlobKey? key, IngestSource source, CancellationToken cancellationToken) =>
        IngestFileAsync(path, key, source, waitForIndex: true, cancellationToken);

    /// <summary>
    /// <see cref="IngestFileAsync(string, BlobKey?, IngestSource, CancellationToken)"/>; with <paramref name="waitForIndex"/>
    /// false a new instance's outcome is given once its file is durable, before its index row commits
    /// (<see cref="IndexCommitter.CommitInBackgroundAsync"/>).
    /// </summary>
    public Task<IngestOutcome> IngestFileAsync(string path, BlobKey? key, IngestSource source, bool waitForIndex, CancellationToken cancellationToken) =>
        IngestFileAsync(path, key, parsed: null, source, waitForIndex, cancellationToken);

    /// <summary>
    /// <see cref="IngestFileAsync(string, BlobKey?, IngestSource, bool, CancellationToken)"/> for a file its caller has
    /// already parsed (<paramref name="parsed"/>, read from this file with values up to the header read's limit
    /// loaded): the pipeline takes its header from that instead of reading the file again.
    /// </summary>
    public async Task<IngestOutcome> IngestFileAsync(string path, BlobKey? key, DicomFile? parsed, IngestSource source, bool waitForIndex, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(source);
        bool moved = false;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > options.Value.MaxFileBytes)
            {
                return IngestOutcome.Rejected($"The file is larger than the limit of {FormatBytes(options.Value.MaxFileBytes)}.");
            }

            DicomFile header;
            try
            {
                if (parsed is not null)
                {
                    header = parsed;
                }
                else
                {
                    // The spooled file is in the page cache: synchronous reads, not a thread-pool hop per read.
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.None);
                    header = await DicomFile.ReadAsync(new SynchronousReadStream(file), DicomFileReadOptions.HeaderOnly, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (DicomFormatException ex)
            {
                LogRejected(logger, "not DICOM", source.Kind.ToString());
                return IngestOutcome.Rejected($"The file is not valid DICOM: {ex.Message}");
            }

            InstanceHeader instance = InstanceHeader.From(header);
            if (InstanceValidator.Validate(header, instance) is { } invalid)
            {
                LogRejected(logger, "invalid", source.Kind.ToString());
                return IngestOutcome.Rejected(invalid, NullIfEmpty(instance.SopInstanceUid), NullIfEmpty(instance.StudyInstanceUid));
            }

            var replacements = new Dictionary<DicomTag, string>();
            var removals = new HashSet<DicomTag>();
            var labels = new List<string>();
            WorkflowStatus? status = null;
            foreach (IIngestPolicy policy in _policies)
            {
                PolicyDecision decision = await policy.EvaluateAsync(header, instance, source, cancellationToken).ConfigureAwait(false);
                if (decision.Refusal is { } refused)
                {
                    LogRejected(logger, "policy", source.Kind.ToString());
                    return IngestOutcome.Rejected(refused, instance.SopInstanceUid, instance.StudyInstanceUid);
                }

                foreach ((DicomTag tag, string value) in decision.Replacements)
                {
                    replacements[tag] = value;
                }

                removals.UnionWith(decision.Removals);

                labels.AddRange(decision.StudyLabels.Except(labels, StringComparer.Ordinal));
                status = decision.StudyStatus ?? status;
            }

            // Only what is there has to go: a file without the attributes to remove is stored as it came.
            removals.RemoveWhere(tag => !header.Dataset.Contains(tag));
            if (replacements.Count > 0 || removals.Count > 0)
            {
                // The stored file carries the policy's values: a copy is written (pixel data copied, not loaded) and the
                // received file dropped; its hash is computed again as the copy is imported.
                string rewritten = Path.Combine(blobs.TempDirectory, "rewrite-" + Guid.NewGuid().ToString("N"));
                await using (var received = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.None))
                {
                    await InstanceRewriter.RewriteAsync(received, rewritten, replacements, removals, cancellationToken).ConfigureAwait(false);
                }

                File.Delete(path);
                path = rewritten;
                key = null;
                InstanceRewriter.Apply(header.Dataset, replacements, removals);
                instance = InstanceHeader.From(header);
            }

            BlobInfo blob = key is { } known
                ? await blobs.ImportFileAsync(path, known, cancellationToken).ConfigureAwait(false)
                : await blobs.ImportFileAsync(path, cancellationToken).ConfigureAwait(false);
            moved = true;
            var pending = new PendingInstance(instance, blob, source, DateTimeOffset.UtcNow) { StudyLabels = labels, StudyStatus = status };
            return waitForIndex
                ? await committer.CommitAsync(pending, cancellationToken).ConfigureAwait(false)
                : await committer.CommitInBackgroundAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!moved)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>
    /// Writes a copy of a stored instance with <paramref name="replacements"/> applied as a new durable blob (a merge or
    /// an identity change). The old blob is left alone: the caller points the index at the new one and deletes the old
    /// one once that commit is done, so a crash in between loses nothing.
    /// </summary>
    public async Task<BlobInfo> RewriteStoredAsync(BlobKey key, IReadOnlyDictionary<DicomTag, string> replacements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        string rewritten = Path.Combine(blobs.TempDirectory, "rewrite-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (Stream stored = blobs.OpenRead(key))
            {
                await InstanceRewriter.RewriteAsync(stored, rewritten, replacements, cancellationToken).ConfigureAwait(false);
            }

            return await blobs.ImportFileAsync(rewritten, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(rewritten);
        }
    }

    /// <summary>What is left of a seekable stream (a file); null for one whose size is not known (a network stream).</summary>
    private static long? RemainingLength(Stream content) => content.CanSeek ? content.Length - content.Position : null;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static string FormatBytes(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GB" : $"{bytes / (double)(1L << 20):0.#} MB";

    [LoggerMessage(4000, LogLevel.Information, "Instance rejected ({Why}) from a {SourceKind} source")]
    private static partial void LogRejected(ILogger logger, string why, string sourceKind);
}
