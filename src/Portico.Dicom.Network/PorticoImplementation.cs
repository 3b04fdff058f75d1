using Portico.Dicom.IO;

namespace Portico.Dicom.Network;

/// <summary>
/// Implementation class UID and version name Portico announces (PS3.7 §D.3.3.2): the same pair it writes into the file
/// meta of the files it creates (PS3.10 §7.1), one identity for the one implementation.
/// </summary>
public static class PorticoImplementation
{
    /// <summary>A UUID-derived UID (PS3.5 §B.2) minted for Portico.</summary>
    public const string ClassUid = DicomFileWriter.ImplementationClassUid;

    /// <summary>At most 16 characters.</summary>
    public const string VersionName = DicomFileWriter.ImplementationVersionName;
}
