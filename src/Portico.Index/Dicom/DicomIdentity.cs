namespace Portico.Index.Dicom;

/// <summary>
/// A device or remote PACS allowed to talk DICOM with Portico (DESIGN.md "DICOM Identities"): a name and the AE title it
/// calls with (matched exactly, case-sensitive), the operations it may use, how it must connect, and its usage.
/// </summary>
public sealed class DicomIdentity
{
    /// <summary>PS3.5 §6.2: an AE title is at most 16 characters.</summary>
    public const int AETitleMaxLength = 16;

    /// <summary>A DNS name is at most 253 characters.</summary>
    public const int HostMaxLength = 253;

    public DicomIdentityId Id { get; set; } = DicomIdentityId.New();

    /// <summary>Shown in the app, in the audit log and as the source of what it sends (e.g. <c>Room1_EPIQ7</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>The calling AE title, unique, without padding; compared exactly (case-sensitive).</summary>
    public string AETitle { get; set; } = "";

    /// <summary>A disabled identity is refused, with the reason in the association log.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether TLS without a client certificate is accepted on the TLS port ("Allow Anonymous TLS DICOM").</summary>
    public bool AllowAnonymousTls { get; set; }

    public DicomIdentityOperations AllowedOperations { get; set; } = DicomIdentityOperations.Echo | DicomIdentityOperations.Store;

    /// <summary>Where Portico reaches the device (C-MOVE destination, transfers, echo); null when Portico never calls it.</summary>
    public string? Host { get; set; }

    public int? Port { get; set; }

    /// <summary>IP addresses and CIDR ranges the identity may call from; null or empty means any address.</summary>
    public List<string>? AllowedAddresses { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>End of the last accepted association.</summary>
    public DateTime? LastAssociationAt { get; set; }

    /// <summary>Accepted associations since the identity was created.</summary>
    public long AssociationCount { get; set; }

    /// <summary>C-STORE requests received and not answered with a failure.</summary>
    public long InstancesReceived { get; set; }

    /// <summary>PDU bytes received on accepted associations.</summary>
    public long BytesReceived { get; set; }

    /// <summary>When an association with this AE title was last refused, and why.</summary>
    public DateTime? LastRefusedAt { get; set; }

    public string? LastRefusalReason { get; set; }

    public List<DicomClientCertificate> ClientCertificates { get; set; } = [];
}
