namespace Portico.Index.Studies;

/// <summary>One stored SOP instance: the row that points to its blob. It commits only after the blob is durable.</summary>
public sealed class Instance
{
    public InstanceId Id { get; set; } = InstanceId.New();

    /// <summary>SOP Instance UID (0008,0018); unique.</summary>
    public string SopInstanceUid { get; set; } = "";

    public SeriesId SeriesId { get; set; }

    public Series Series { get; set; } = null!;

    /// <summary>SOP Class UID (0008,0016).</summary>
    public string SopClassUid { get; set; } = "";

    /// <summary>Instance Number (0020,0013).</summary>
    public int? InstanceNumber { get; set; }

    /// <summary>Transfer Syntax UID (0002,0010) of the stored file.</summary>
    public string TransferSyntaxUid { get; set; } = "";

    public long SizeBytes { get; set; }

    /// <summary>SHA-256 of the stored file, 64 lower-case hex digits (duplicate and conflict detection).</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Key of the file in the blob store.</summary>
    public string BlobKey { get; set; } = "";

    /// <summary>When the instance was stored (UTC).</summary>
    public DateTime ReceivedAt { get; set; }

    /// <summary>Who or what brought the instance in.</summary>
    public required IngestSource Source { get; set; }
}
