using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Portico.Dicom.Network.Scu;

/// <summary>Where and how a <see cref="DicomClient"/> connects: peer address, AE titles, TLS, timeouts and limits.</summary>
public sealed record DicomClientOptions
{
    /// <summary>Host name or IP address of the SCP.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port of the SCP.</summary>
    public required int Port { get; init; }

    /// <summary>The SCP's AE title (Called AE Title of the A-ASSOCIATE-RQ).</summary>
    public required string CalledAETitle { get; init; }

    /// <summary>Our AE title (Calling AE Title). Default <c>PORTICO</c>.</summary>
    public string CallingAETitle { get; init; } = "PORTICO";

    /// <summary>Wrap the connection in TLS (PS3.15 annex B.1). Without <see cref="ClientCertificate"/> it is anonymous TLS.</summary>
    public bool UseTls { get; init; }

    /// <summary>The certificate (with its private key) presented to the SCP, or null for anonymous TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// Certificate authorities the SCP's certificate must chain to, instead of the system's trust store. Null or empty:
    /// the system's trust store.
    /// </summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; init; }

    /// <summary>Replaces the certificate validation entirely (e.g. to accept any certificate in a test). Null: chain and name checks.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>The name the SCP's certificate must carry (TLS SNI and name check). Null: <see cref="Host"/>.</summary>
    public string? ServerName { get; init; }

    /// <summary>Time allowed for the TCP connection and the TLS handshake. Default 15 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>ARTIM (PS3.8 §9.1.5): time allowed for the A-ASSOCIATE-AC/RJ and for the A-RELEASE-RP. Default 30 s.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Time allowed between two PDUs while an operation waits for its response (and for each PDU write). C-MOVE pending
    /// responses restart it. <see cref="Timeout.InfiniteTimeSpan"/> waits forever. Default 5 min.
    /// </summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The Maximum Length we announce: the largest P-DATA-TF we accept. Default 256 KiB.</summary>
    public uint MaxPduLength { get; init; } = DicomNetworkLimits.Default.MaxPduLength;

    /// <summary>Bounds on what the SCP may make us read (the P-DATA limit is <see cref="MaxPduLength"/>).</summary>
    public DicomNetworkLimits Limits { get; init; } = DicomNetworkLimits.Default;

    /// <summary>Largest C-FIND identifier accepted in one response, assembled across PDVs. Default 16 MiB.</summary>
    public int MaxIdentifierLength { get; init; } = 16 * 1024 * 1024;
}
