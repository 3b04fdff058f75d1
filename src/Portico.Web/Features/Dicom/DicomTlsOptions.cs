namespace Portico.Web.Features.Dicom;

/// <summary>
/// The DICOM TLS server certificate (<c>Portico:Dicom:Tls</c>): PEM certificate and key, or a PKCS#12 file. When none
/// is set, Portico's certificate authority issues one (<see cref="DicomCertificateAuthority"/>).
/// </summary>
public sealed class DicomTlsOptions
{
    /// <summary>PEM certificate (chain allowed, leaf first).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key (PKCS#8, RSA or EC), unencrypted unless <see cref="Password"/> is set.</summary>
    public string? KeyPath { get; set; }

    /// <summary>PKCS#12 (.pfx/.p12) holding certificate and key.</summary>
    public string? Pkcs12Path { get; set; }

    /// <summary>Password of the PKCS#12 file or of an encrypted PEM key.</summary>
    public string? Password { get; set; }
}
