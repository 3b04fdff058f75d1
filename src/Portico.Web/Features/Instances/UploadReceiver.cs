using Microsoft.Extensions.Options;
using Portico.Index.Studies;
using Portico.Ingest;
using Portico.Ingest.Pipeline;
using Portico.Ingest.Zip;

namespace Portico.Web.Features.Instances;

/// <summary>Turns an uploaded body (one DICOM file or a ZIP archive) into pipeline calls and per-file results.</summary>
public sealed class UploadReceiver(IngestPipeline pipeline, ZipWalker zipWalker, IOptions<ZipLimits> zipLimits)
{
    /// <summary>Ingests one DICOM file sent as a stream; answered once its index row has committed.</summary>
    public Task<InstanceUploadResult> ReceiveDicomAsync(Stream body, string name, IngestSource source, CancellationToken cancellationToken) =>
        ReceiveDicomAsync(body, length: null, name, source, waitForIndex: true, cancellationToken);

    /// <summary>
    /// Ingests one DICOM file sent as a stream whose size is <paramref name="length"/> when announced (a Content-Length;
    /// null when not, or when the stream is a file, which tells its own). With <paramref name="waitForIndex"/> false a new
    /// instance is answered once its file is durable, before its index row commits (<c>POST /api/instances</c>).
    /// </summary>
    public async Task<InstanceUploadResult> ReceiveDicomAsync(Stream body, long? length, string name, IngestSource source, bool waitForIndex, CancellationToken cancellationToken)
    {
        IngestOutcome outcome = await pipeline.IngestStreamAsync(body, length, source, waitForIndex, cancellationToken).ConfigureAwait(false);
        return ToResult(name, outcome);
    }

    /// <summary>Ingests a DICOM file already spooled in the pipeline's temp directory (it is consumed).</summary>
    public async Task<InstanceUploadResult> ReceiveDicomFileAsync(string path, string name, IngestSource source, CancellationToken cancellationToken)
    {
        IngestOutcome outcome = await pipeline.IngestFileAsync(path, source, cancellationToken).ConfigureAwait(false);
        return ToResult(name, outcome);
    }

    public Task<List<InstanceUploadResult>> ReceiveZipAsync(Stream body, string name, IngestSource source, CancellationToken cancellationToken) =>
        ReceiveZipAsync(body, length: null, name, source, waitForIndex: true, cancellationToken);

    /// <summary>
    /// Spools a ZIP archive (<paramref name="length"/> bytes when announced) and ingests its DICOM entries;
    /// <paramref name="waitForIndex"/> as for <see cref="ReceiveDicomAsync(Stream, long?, string, IngestSource, bool, CancellationToken)"/>.
    /// </summary>
    public async Task<List<InstanceUploadResult>> ReceiveZipAsync(Stream body, long? length, string name, IngestSource source, bool waitForIndex, CancellationToken cancellationToken)
    {
        SpooledFile? archive = await pipeline.SpoolAsync(body, zipLimits.Value.MaxTotalUncompressedBytes, length, cancellationToken).ConfigureAwait(false);
        if (archive is null)
        {
            return [new InstanceUploadResult(name, null, null, "Rejected", "The ZIP archive is larger than the limit.")];
        }

        try
        {
            return await ReceiveZipFileAsync(archive.Path, name, source, waitForIndex, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            archive.Delete();
        }
    }

    /// <summary>Ingests every DICOM entry of a ZIP archive on disk (left in place); one result per entry found.</summary>
    public Task<List<InstanceUploadResult>> ReceiveZipFileAsync(string path, string name, IngestSource source, CancellationToken cancellationToken) =>
        ReceiveZipFileAsync(path, name, source, waitForIndex: true, cancellationToken);

    /// <summary>Ingests every DICOM entry of a ZIP archive on disk (left in place); <paramref name="waitForIndex"/> as for a single file.</summary>
    public async Task<List<InstanceUploadResult>> ReceiveZipFileAsync(string path, string name, IngestSource source, bool waitForIndex, CancellationToken cancellationToken)
    {
        var results = new List<InstanceUploadResult>();
        ZipWalkResult walk = await zipWalker.WalkAsync(
            path,
            pipeline.TempDirectory,
            zipLimits.Value,
            async (entryName, entryPath, ct) => results.Add(ToResult(entryName, await pipeline.IngestFileAsync(entryPath, null, source, waitForIndex, ct).ConfigureAwait(false))),
            cancellationToken).ConfigureAwait(false);
        foreach (ZipEntryReport entry in walk.Entries)
        {
            if (entry.Disposition is not ZipEntryDisposition.Extracted)
            {
                results.Add(new InstanceUploadResult(entry.Name, null, null, "Skipped", entry.Reason));
            }
        }

        if (walk.Refused)
        {
            results.Add(new InstanceUploadResult(name, null, null, "Rejected", walk.RefusalReason));
        }

        return results;
    }

    private static InstanceUploadResult ToResult(string name, IngestOutcome outcome) =>
        new(name, outcome.SopInstanceUid, outcome.StudyInstanceUid, outcome.Status.ToString(), outcome.Reason);
}
