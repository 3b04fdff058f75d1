using Portico.Index.Studies;
using Portico.Web.Features.Instances;

namespace Portico.Web.Features.Uploads;

public enum UploadState
{
    /// <summary>Bytes are still expected.</summary>
    Receiving,

    /// <summary>Every byte arrived; the file is going through the ingest pipeline.</summary>
    Processing,

    /// <summary>Processed: <see cref="UploadRecord.Results"/> says what happened to each instance.</summary>
    Completed,

    /// <summary>Processing could not finish: <see cref="UploadRecord.Error"/> says why.</summary>
    Failed,

    /// <summary>Every byte arrived; the file waits in quarantine for its Upload Portal session to be finished.</summary>
    Received,
}

/// <summary>
/// One resumable upload as kept next to its bytes (<c>{id}.json</c> beside <c>{id}.bin</c>). The offset is not stored:
/// it is the length of the bytes file, so it is always what actually reached the disk.
/// </summary>
public sealed class UploadRecord
{
    public required string Id { get; init; }

    /// <summary>The caller who created it (user id or <c>apikey:N</c>); nobody else can see or touch it.</summary>
    public required string Owner { get; init; }

    /// <summary>Recorded on every instance it stores.</summary>
    public required IngestSource Source { get; init; }

    public required long Length { get; init; }

    /// <summary>The <c>Upload-Metadata</c> header as received, given back by HEAD.</summary>
    public string? MetadataHeader { get; init; }

    public Dictionary<string, string> Metadata { get; init; } = [];

    public DateTime CreatedAt { get; init; }

    public DateTime ExpiresAt { get; set; }

    public UploadState State { get; set; }

    public DateTime? CompletedAt { get; set; }

    public List<InstanceUploadResult>? Results { get; set; }

    public string? Error { get; set; }

    /// <summary>The client's file name (Uppy sends <c>filename</c> and <c>name</c>), for display only: never a path.</summary>
    public string FileName =>
        Metadata.GetValueOrDefault("relativePath") is { Length: > 0 } relative && relative != "null" ? relative
        : Metadata.GetValueOrDefault("filename") ?? Metadata.GetValueOrDefault("name") ?? "upload";
}
