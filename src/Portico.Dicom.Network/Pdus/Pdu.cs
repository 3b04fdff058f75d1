namespace Portico.Dicom.Network.Pdus;

/// <summary>One upper-layer protocol data unit, PS3.8 §9.3.</summary>
public abstract record Pdu
{
    public abstract PduType Type { get; }
}
