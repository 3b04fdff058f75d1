namespace Portico.Dicom.Network.Dimse;

/// <summary>Element numbers of command group 0000 used so far, PS3.7 table E.1-1.</summary>
public static class CommandElement
{
    public const ushort CommandGroupLength = 0x0000;
    public const ushort AffectedSopClassUid = 0x0002;
    public const ushort RequestedSopClassUid = 0x0003;
    public const ushort CommandField = 0x0100;
    public const ushort MessageId = 0x0110;
    public const ushort MessageIdBeingRespondedTo = 0x0120;
    public const ushort MoveDestination = 0x0600;
    public const ushort Priority = 0x0700;
    public const ushort CommandDataSetType = 0x0800;
    public const ushort Status = 0x0900;
    public const ushort ErrorComment = 0x0902;
    public const ushort AffectedSopInstanceUid = 0x1000;

    /// <summary>Command Data Set Type value meaning "no data set follows" (PS3.7 §E.1).</summary>
    public const ushort NoDataSet = 0x0101;
}
