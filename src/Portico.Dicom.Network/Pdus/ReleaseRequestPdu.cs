namespace Portico.Dicom.Network.Pdus;

/// <summary>A-RELEASE-RQ, PS3.8 §9.3.6.</summary>
public sealed record ReleaseRequestPdu : Pdu
{
    public static readonly ReleaseRequestPdu Instance = new();

    public override PduType Type => PduType.ReleaseRequest;
}
