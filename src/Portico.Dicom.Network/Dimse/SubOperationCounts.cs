namespace Portico.Dicom.Network.Dimse;

/// <summary>
/// The four sub-operation counts of a C-MOVE or C-GET response, (0000,1020)–(0000,1023), PS3.7 §9.1.3.1, §9.1.4.1.
/// Remaining is only sent in pending responses (and in a Cancel response, where it is optional).
/// </summary>
public readonly record struct SubOperationCounts(ushort Remaining, ushort Completed, ushort Failed, ushort Warning)
{
    /// <summary>Clamps int counts to the US range of the wire.</summary>
    public static SubOperationCounts FromCounts(int remaining, int completed, int failed, int warning) =>
        new(Clamp(remaining), Clamp(completed), Clamp(failed), Clamp(warning));

    private static ushort Clamp(int value) => (ushort)Math.Clamp(value, 0, ushort.MaxValue);
}
