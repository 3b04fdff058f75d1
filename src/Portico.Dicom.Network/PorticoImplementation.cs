namespace Portico.Dicom.Network;

/// <summary>Implementation class UID and version name Portico announces (PS3.7 §D.3.3.2).</summary>
public static class PorticoImplementation
{
    /// <summary>A UUID-derived UID (PS3.5 §B.2) minted for Portico's network implementation.</summary>
    public const string ClassUid = "2.25.1275975410007107652632824726297591769";

    /// <summary>At most 16 characters.</summary>
    public const string VersionName = "PORTICO_0_1";
}
