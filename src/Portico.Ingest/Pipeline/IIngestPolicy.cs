using Portico.Dicom.IO;
using Portico.Index.Studies;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// A source policy: looks at an instance after validation and before anything is stored. It may refuse the instance,
/// have attributes of the stored file replaced (the Upload Portal replaces Patient ID and Accession Number), and have
/// the instance's study labelled and given a workflow status when it is indexed.
/// </summary>
public interface IIngestPolicy
{
    /// <summary>Returns <see cref="PolicyDecision.Accept"/> to store the instance as it is.</summary>
    ValueTask<PolicyDecision> EvaluateAsync(DicomFile header, InstanceHeader instance, IngestSource source, CancellationToken cancellationToken);
}
