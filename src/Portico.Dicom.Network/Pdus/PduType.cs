namespace Portico.Dicom.Network.Pdus;

/// <summary>PDU types, PS3.8 §9.3.1 (table 9-11).</summary>
public enum PduType : byte
{
    AssociateRequest = 0x01,
    AssociateAccept = 0x02,
    AssociateReject = 0x03,
    PData = 0x04,
    ReleaseRequest = 0x05,
    ReleaseResponse = 0x06,
    Abort = 0x07,
}
