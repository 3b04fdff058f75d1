namespace Portico.Dicom.Network.Dimse;

/// <summary>Status (0000,0900) codes used so far, PS3.7 annex C.</summary>
public static class DimseStatus
{
    public const ushort Success = 0x0000;

    /// <summary>PS3.7 §C.5.6: the SOP class is not supported.</summary>
    public const ushort SopClassNotSupported = 0x0122;

    /// <summary>PS3.7 §C.5.10: the operation is not supported.</summary>
    public const ushort UnrecognizedOperation = 0x0211;
}
