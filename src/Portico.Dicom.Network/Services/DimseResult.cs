namespace Portico.Dicom.Network.Services;

/// <summary>A DIMSE response status (PS3.7 annex C) with an optional Error Comment (LO, cut to 64 characters on the wire).</summary>
public readonly record struct DimseResult(ushort Status, string? ErrorComment = null)
{
    public static DimseResult Success => new(0x0000);
}
