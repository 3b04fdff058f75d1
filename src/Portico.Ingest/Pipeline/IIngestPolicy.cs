using Portico.Dicom.IO;
using Portico.Index.Studies;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// A source policy: looks at an instance after validation and before anything is stored, and may refuse it.
/// The Upload Portal adds one (replace IDs, label, status); others tag the source.
/// </summary>
public interface IIngestPolicy
{
    /// <summary>Returns null to accept, or a user-facing reason to refuse.</summary>
    ValueTask<string?> EvaluateAsync(DicomFile header, InstanceHeader instance, IngestSource source, CancellationToken cancellationToken);
}
