using Microsoft.Extensions.Options;
using Portico.Index.Studies;
using Portico.Ingest;
using Portico.Ingest.Pipeline;
using Portico.Ingest.Zip;

namespace Portico.Web.Features.Instances;

/// <summary>Turns an uploaded body (one DICOM file or a ZIP archive) into pipeline calls and per-file results.</summary>
public sealed class UploadReceiver(IngestPipeline pipeline, ZipWalker zipWalker, IOptions<ZipLimits> zipLimits)
{
    public async Task<InstanceUploadResult> ReceiveDicomAsync(Stream body, string name, IngestSource source, CancellationToken cancellationToken)
    {
        IngestOutcome outcome = await pipeline.IngestStreamAsync(body, source, cancellationToken).ConfigureAwait(false);
        return ToResult(name, outcome);
    }

    /// <summary>Ingests a DICOM file already spooled in the pipeline's temp directory (it is consumed).</summary>
    public async Task<InstanceUploadResult> ReceiveDicomFileAsync(string path, string name, IngestSource source, CancellationToken cancellationToken)
    {
        IngestOutcome outcome = await pipeline.IngestFileAsync(path, source, cancellationToken).ConfigureAwait(false);
        return ToResult(name, outcome);
    }

    public async Task<List<InstanceUploadResult>> ReceiveZipAsync(Stream body, string name, IngestSource source, CancellationToken cancellationToken)
    {
        SpooledFile? archive = await pipeline.SpoolAsync(body, zipLimits.Value.MaxTotalUncompressedBytes, cancellationToken).ConfigureAwait(false);
        if (archive is null)
        {
            return [new InstanceUploadResult(name, null, null, "Rejected", "The ZIP archive is larger than the limit.")];
        }

        try
        {
            return await ReceiveZipFileAsync(archive.Path, name, source, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            archive.Delete();
        }
    }

    /// <summary>Ingests every DICOM entry of a ZIP archive on disk (left in place); one result per entry found.</summary>
    public async Task<List<InstanceUploadResult>> ReceiveZipFileAsync(string path, string name, IngestSource source, CancellationToken cancellationToken)
    {
        var results = new List<InstanceUploadResult>();
        ZipWalkResult walk = await zipWalker.WalkAsync(
            path,
            pipeline.TempDirectory,
            zipLimits.Value,
            async (entryName, entryPath, ct) => results.Add(ToResult(entryName, await pipeline.IngestFileAsync(entryPath, source, ct).ConfigureAwait(false))),
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
