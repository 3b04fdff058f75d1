namespace Portico.Index.Dicom;

/// <summary>
/// One connection to Portico's DICOM ports, accepted or refused, with the reason (DESIGN.md: every rejection says why).
/// No patient data. Kept for the association log retention (default 90 days), then deleted.
/// </summary>
public sealed class DicomAssociationLogEntry
{
    public DicomAssociationLogEntryId Id { get; set; } = DicomAssociationLogEntryId.New();

    /// <summary>When the connection was accepted (UTC).</summary>
    public DateTime StartedAt { get; set; }

    public long DurationMilliseconds { get; set; }

    /// <summary>Null when no A-ASSOCIATE-RQ was read (ARTIM expiry, a TLS client on the plain port).</summary>
    public string? CallingAETitle { get; set; }

    public string? CalledAETitle { get; set; }

    public string? RemoteAddress { get; set; }

    public int LocalPort { get; set; }

    /// <summary><c>None</c>, <c>TlsAnonymous</c> or <c>TlsClientCertificate</c>.</summary>
    public string TlsMode { get; set; } = "";

    /// <summary>How it ended: <c>Released</c>, <c>Rejected</c>, <c>AbortedByPeer</c>, <c>ArtimExpired</c>...</summary>
    public string Outcome { get; set; } = "";

    /// <summary>True when the association was established; false when refused or never requested.</summary>
    public bool Accepted { get; set; }

    /// <summary>For a rejection, the PS3.8 result, source and reason sent (enum names).</summary>
    public string? RejectResult { get; set; }

    public string? RejectSource { get; set; }

    public string? RejectReason { get; set; }

    /// <summary>Why, in a sentence for administrators.</summary>
    public string? Detail { get; set; }

    /// <summary>The identity that called, when known (not a foreign key: the log outlives a deleted identity).</summary>
    public DicomIdentityId? IdentityId { get; set; }

    public int EchoCount { get; set; }

    public int StoreCount { get; set; }

    public int StoreFailedCount { get; set; }

    public int FindCount { get; set; }

    public int MoveCount { get; set; }

    public int GetCount { get; set; }

    public long BytesReceived { get; set; }

    public long BytesSent { get; set; }
}
