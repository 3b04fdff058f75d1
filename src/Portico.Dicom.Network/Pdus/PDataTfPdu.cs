namespace Portico.Dicom.Network.Pdus;

/// <summary>P-DATA-TF, PS3.8 §9.3.5: one or more presentation-data-value items.</summary>
public sealed record PDataTfPdu(IReadOnlyList<PresentationDataValue> Values) : Pdu
{
    public override PduType Type => PduType.PData;
}
