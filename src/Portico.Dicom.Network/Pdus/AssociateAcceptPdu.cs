namespace Portico.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-AC, PS3.8 §9.3.3. The AE title fields echo the request's (not tested by the receiver).</summary>
public sealed record AssociateAcceptPdu(
    string CalledAETitle,
    string CallingAETitle,
    IReadOnlyList<PresentationContextAccept> PresentationContexts,
    UserInformation UserInformation) : Pdu
{
    public override PduType Type => PduType.AssociateAccept;

    public ushort ProtocolVersion { get; init; } = 1;

    public string ApplicationContextName { get; init; } = AssociateRequestPdu.DicomApplicationContextName;
}
