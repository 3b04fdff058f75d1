namespace Portico.Dicom.Network.Services;

/// <summary>The DIMSE services a calling AE may use (a DICOM Identity's "DIMSE request types").</summary>
[Flags]
public enum DimseOperations
{
    None = 0,
    Echo = 1,
    Store = 2,
    Find = 4,
    Move = 8,
    Get = 16,
    All = Echo | Store | Find | Move | Get,
}
