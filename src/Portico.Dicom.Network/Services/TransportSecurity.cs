namespace Portico.Dicom.Network.Services;

/// <summary>How the connection an association arrived on is protected.</summary>
public enum TransportSecurity
{
    /// <summary>Plain TCP.</summary>
    None,

    /// <summary>TLS without a client certificate ("anonymous TLS": encrypted, the caller is not authenticated by TLS).</summary>
    TlsAnonymous,

    /// <summary>TLS with a client certificate that chained to a trusted authority (the policy still checks whose it is).</summary>
    TlsClientCertificate,
}
