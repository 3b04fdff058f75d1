namespace Portico.Web.Features.Dicom;

/// <summary>
/// A client certificate just issued, with its private key: answered once to the administrator, never stored.
/// </summary>
public sealed record IssuedClientCertificate(
    string CertificatePem,
    string PrivateKeyPem,
    byte[] Pkcs12,
    string Pkcs12Password,
    string SerialNumber,
    string Thumbprint,
    string Subject,
    DateTime NotBefore,
    DateTime NotAfter);
