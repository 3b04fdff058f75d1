namespace Portico.Dicom.Network;

/// <summary>A-ABORT source, PS3.8 §9.3.8 (table 9-26).</summary>
public enum AbortSource : byte
{
    ServiceUser = 0,
    ServiceProvider = 2,
}
