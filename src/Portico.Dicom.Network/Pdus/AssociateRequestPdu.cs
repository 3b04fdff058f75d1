namespace Portico.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-RQ, PS3.8 §9.3.2.</summary>
public sealed record AssociateRequestPdu(
    string CalledAETitle,
    string CallingAETitle,
    IReadOnlyList<PresentationContextRequest> PresentationContexts,
    UserInformation UserInformation) : Pdu
{
    /// <summary>The DICOM application context name, PS3.7 annex A.2.1.</summary>
    public const string DicomApplicationContextName = "1.2.840.10008.3.1.1.1";

    public override PduType Type => PduType.AssociateRequest;

    /// <summary>Protocol version bit field; bit 0 (version 1) must be set.</summary>
    public ushort ProtocolVersion { get; init; } = 1;

    public string ApplicationContextName { get; init; } = DicomApplicationContextName;
}
