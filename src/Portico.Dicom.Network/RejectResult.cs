namespace Portico.Dicom.Network;

/// <summary>A-ASSOCIATE-RJ result, PS3.8 §9.3.4 (table 9-21).</summary>
public enum RejectResult : byte
{
    RejectedPermanent = 1,
    RejectedTransient = 2,
}
