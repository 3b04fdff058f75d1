namespace Portico.Dicom.Network.Scp;

/// <summary>How a connection ended.</summary>
public enum AssociationOutcome
{
    /// <summary>Orderly A-RELEASE.</summary>
    Released,

    /// <summary>We answered the A-ASSOCIATE-RQ with an A-ASSOCIATE-RJ.</summary>
    Rejected,

    /// <summary>The peer sent A-ABORT.</summary>
    AbortedByPeer,

    /// <summary>We sent A-ABORT because the peer broke the protocol.</summary>
    AbortedByServer,

    /// <summary>No A-ASSOCIATE-RQ before the ARTIM timer expired; the connection was closed.</summary>
    ArtimExpired,

    /// <summary>No PDU within the idle timeout; A-ABORT sent.</summary>
    IdleTimeout,

    /// <summary>The transport closed or failed without an A-RELEASE or A-ABORT.</summary>
    ConnectionLost,

    /// <summary>The server stopped.</summary>
    ServerStopped,

    /// <summary>The TLS handshake failed or timed out (a plain client on the TLS port, an untrusted server certificate).</summary>
    TlsFailed,
}
