namespace Portico.Dicom.Network.Pdus;

/// <summary>
/// One presentation-data-value item of a P-DATA-TF, PS3.8 §9.3.5.1, with its message control header
/// (annex E.2): bit 0 set = command fragment, bit 1 set = last fragment.
/// </summary>
public sealed record PresentationDataValue(byte PresentationContextId, bool IsCommand, bool IsLast, ReadOnlyMemory<byte> Data)
{
    public byte MessageControlHeader => (byte)((IsCommand ? 1 : 0) | (IsLast ? 2 : 0));
}
