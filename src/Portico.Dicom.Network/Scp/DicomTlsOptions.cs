using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Portico.Dicom.Network.Scp;

/// <summary>TLS settings of a DICOM port (PS3.15 annex B.1, "Basic TLS Secure Transport Connection Profile").</summary>
public sealed record DicomTlsOptions
{
    /// <summary>The server certificate, with its private key.</summary>
    public required X509Certificate2 ServerCertificate { get; init; }

    /// <summary>
    /// The authority a client certificate must chain to (only this one: the system store is not trusted). A client
    /// without a certificate is let through as anonymous TLS; whether that is allowed is the association policy's
    /// decision, per DICOM Identity.
    /// </summary>
    public required X509Certificate2 ClientCertificateAuthority { get; init; }

    /// <summary>Protocols offered. Default: TLS 1.2 and 1.3 (PS3.15 annex B.9 recommends TLS 1.2 or later).</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Longest TLS handshake. Default 10 s. It counts towards the ARTIM time, which runs from the connection's accept.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
