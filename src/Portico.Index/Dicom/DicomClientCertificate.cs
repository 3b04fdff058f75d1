namespace Portico.Index.Dicom;

/// <summary>
/// A TLS client certificate Portico's certificate authority issued for a <see cref="DicomIdentity"/>. Only its
/// identifiers are kept: the private key is handed to the administrator once and never stored.
/// </summary>
public sealed class DicomClientCertificate
{
    public DicomClientCertificateId Id { get; set; } = DicomClientCertificateId.New();

    public DicomIdentityId IdentityId { get; set; }

    public DicomIdentity? Identity { get; set; }

    /// <summary>Serial number, upper-case hex as <c>X509Certificate2.SerialNumber</c> prints it.</summary>
    public string SerialNumber { get; set; } = "";

    /// <summary>SHA-256 of the DER certificate, 64 upper-case hex digits; unique. What an association is matched by.</summary>
    public string Thumbprint { get; set; } = "";

    /// <summary>Subject distinguished name (<c>CN=</c> the AE title).</summary>
    public string Subject { get; set; } = "";

    public DateTime IssuedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    /// <summary>Set when revoked (by an administrator or by issuing a new one); a revoked certificate is refused.</summary>
    public DateTime? RevokedAt { get; set; }
}
