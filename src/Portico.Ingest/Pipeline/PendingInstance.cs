using Portico.Index.Studies;
using Portico.Storage;

namespace Portico.Ingest.Pipeline;

/// <summary>An instance whose blob is durable, waiting for its index commit.</summary>
public sealed record PendingInstance(InstanceHeader Header, BlobInfo Blob, IngestSource Source, DateTimeOffset ReceivedAt);
