using System.Net;
using Portico.Dicom.IO;
using Portico.Dicom.Network.Dimse;

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
}
