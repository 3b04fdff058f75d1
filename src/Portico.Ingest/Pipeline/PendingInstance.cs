using Portico.Index.Studies;
using Portico.Storage;

namespace Portico.Ingest.Pipeline;

/// <summary>An instance whose blob is durable, waiting for its index commit.</summary>
public sealed record PendingInstance(InstanceHeader Header, BlobInfo Blob, IngestSource Source, DateTimeOffset ReceivedAt)
{
    /// <summary>Labels the study gets (when missing) as this instance is indexed (<see cref="PolicyDecision.StudyLabels"/>).</summary>
    public IReadOnlyList<string> StudyLabels { get; init; } = [];

    /// <summary>The status a study this instance creates starts in; null for <c>New</c>.</summary>
    public WorkflowStatus? StudyStatus { get; init; }
}
