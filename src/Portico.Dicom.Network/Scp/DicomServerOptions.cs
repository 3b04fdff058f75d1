using System.Net;
using Portico.Dicom.IO;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Services;

namespace Portico.Dicom.Network.Scp;

/// <summary>Settings of <see cref="DicomServer"/>, each with a documented default.</summary>
public sealed record DicomServerOptions
{
    /// <summary>Portico's AE title. Default <c>PORTICO</c>.</summary>
    public string AETitle { get; init; } = "PORTICO";

    /// <summary>Address to listen on. Default 127.0.0.1 (the host decides when to widen it).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="DicomServer.Port"/>). Default 11112.</summary>
    public int Port { get; init; } = 11112;

    /// <summary>ARTIM: how long a new connection may take to send its A-ASSOCIATE-RQ (PS3.8 §9.1.5). Default 30 s.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for the next PDU on an established association. Default 5 minutes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Associations served at once; beyond it requests get A-ASSOCIATE-RJ transient, local limit exceeded. Default 64.</summary>
    public int MaxConcurrentAssociations { get; init; } = 64;

    /// <summary>
    /// Slots shared with other servers (the plain and the TLS port share one limit). Null: the server has its own
    /// <see cref="MaxConcurrentAssociations"/>.
    /// </summary>
    public AssociationSlots? Slots { get; init; }

    /// <summary>PDU and command size limits. Default <see cref="DicomNetworkLimits.Default"/>.</summary>
    public DicomNetworkLimits Limits { get; init; } = DicomNetworkLimits.Default;

    /// <summary>Abstract syntaxes offered. Default: Verification only (C-ECHO).</summary>
    public IReadOnlySet<string> AbstractSyntaxes { get; init; } = new HashSet<string>(StringComparer.Ordinal) { EchoMessages.VerificationSopClassUid };

    /// <summary>Transfer syntaxes accepted, most preferred first. Default Explicit then Implicit VR Little Endian.</summary>
    public IReadOnlyList<string> TransferSyntaxes { get; init; } = [TransferSyntax.ExplicitVRLittleEndian.Uid, TransferSyntax.ImplicitVRLittleEndian.Uid];

    /// <summary>Calling AE titles allowed; null allows any. Default null (DICOM identities replace this later).</summary>
    public IReadOnlySet<string>? CallingAETitles { get; init; }

    /// <summary>Clock for the ARTIM and idle timers.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Decides who may associate and which operations they may use (DICOM Identities). Null: anyone allowed by
    /// <see cref="CallingAETitles"/> may use every operation <see cref="Services"/> serves.
    /// </summary>
    public IAssociationPolicy? Policy { get; init; }

    /// <summary>C-STORE, C-FIND, C-MOVE and C-GET. Null: only C-ECHO is served (storage and query contexts are refused).</summary>
    public IDimseServiceProvider? Services { get; init; }

    /// <summary>Whether SOP classes outside the DICOM root (vendors' private storage classes) are accepted for C-STORE. Default true.</summary>
    public bool AcceptPrivateSopClasses { get; init; } = true;

    /// <summary>
    /// Transfer syntaxes accepted on storage contexts: the first one the requester proposes that is here is taken, so
    /// instances are stored as the device encoded them. Default: every transfer syntax Portico knows.
    /// </summary>
    public IReadOnlySet<string> StorageTransferSyntaxes { get; init; } =
        new HashSet<string>(TransferSyntax.All.Select(ts => ts.Uid), StringComparer.Ordinal);

    /// <summary>Largest C-FIND/C-MOVE/C-GET identifier accepted, checked before it grows. Default 1 MiB.</summary>
    public int MaxIdentifierLength { get; init; } = 1024 * 1024;

    /// <summary>
    /// TLS on this port (DICOM PS3.15 annex B.1): the server certificate and the authority client certificates must
    /// chain to. Null: plain TCP.
    /// </summary>
    public DicomTlsOptions? Tls { get; init; }
}
