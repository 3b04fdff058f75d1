namespace Portico.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-RJ, PS3.8 §9.3.4.</summary>
public sealed record AssociateRejectPdu(RejectResult Result, RejectReason Reason) : Pdu
{
    public override PduType Type => PduType.AssociateReject;

    public RejectSource Source => Reason.Source();
}
