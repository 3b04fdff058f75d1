namespace Portico.Index.Dicom;

/// <summary>
/// The DIMSE services a <see cref="DicomIdentity"/> may use (its "DIMSE request types"). Same values as the network
/// layer's <c>DimseOperations</c>, so the host converts with a cast. Stored by name (<c>"Echo, Store"</c>).
/// </summary>
[Flags]
public enum DicomIdentityOperations
{
    None = 0,
    Echo = 1,
    Store = 2,
    Find = 4,
    Move = 8,
    Get = 16,
}
