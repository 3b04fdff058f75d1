namespace Portico.Dicom.Network.Dimse;

/// <summary>Element numbers of command group 0000, PS3.7 table E.1-1 (the ones C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET and C-CANCEL use).</summary>
public static class CommandElement
{
    /// <summary>(0000,0000) UL Command Group Length.</summary>
    public const ushort CommandGroupLength = 0x0000;

    /// <summary>(0000,0002) UI Affected SOP Class UID.</summary>
    public const ushort AffectedSopClassUid = 0x0002;

    /// <summary>(0000,0003) UI Requested SOP Class UID.</summary>
    public const ushort RequestedSopClassUid = 0x0003;

    /// <summary>(0000,0100) US Command Field.</summary>
    public const ushort CommandField = 0x0100;

    /// <summary>(0000,0110) US Message ID.</summary>
    public const ushort MessageId = 0x0110;

    /// <summary>(0000,0120) US Message ID Being Responded To.</summary>
    public const ushort MessageIdBeingRespondedTo = 0x0120;

    /// <summary>(0000,0600) AE Move Destination.</summary>
    public const ushort MoveDestination = 0x0600;

    /// <summary>(0000,0700) US Priority (<see cref="DimsePriority"/>).</summary>
    public const ushort Priority = 0x0700;

    /// <summary>(0000,0800) US Command Data Set Type.</summary>
    public const ushort CommandDataSetType = 0x0800;

    /// <summary>(0000,0900) US Status.</summary>
    public const ushort Status = 0x0900;

    /// <summary>(0000,0901) AT Offending Element.</summary>
    public const ushort OffendingElement = 0x0901;

    /// <summary>(0000,0902) LO Error Comment.</summary>
    public const ushort ErrorComment = 0x0902;

    /// <summary>(0000,0903) US Error ID.</summary>
    public const ushort ErrorId = 0x0903;

    /// <summary>(0000,1000) UI Affected SOP Instance UID.</summary>
    public const ushort AffectedSopInstanceUid = 0x1000;

    /// <summary>(0000,1001) UI Requested SOP Instance UID.</summary>
    public const ushort RequestedSopInstanceUid = 0x1001;

    /// <summary>(0000,1020) US Number of Remaining Sub-operations.</summary>
    public const ushort NumberOfRemainingSuboperations = 0x1020;

    /// <summary>(0000,1021) US Number of Completed Sub-operations.</summary>
    public const ushort NumberOfCompletedSuboperations = 0x1021;

    /// <summary>(0000,1022) US Number of Failed Sub-operations.</summary>
    public const ushort NumberOfFailedSuboperations = 0x1022;

    /// <summary>(0000,1023) US Number of Warning Sub-operations.</summary>
    public const ushort NumberOfWarningSuboperations = 0x1023;

    /// <summary>(0000,1030) AE Move Originator Application Entity Title.</summary>
    public const ushort MoveOriginatorApplicationEntityTitle = 0x1030;

    /// <summary>(0000,1031) US Move Originator Message ID.</summary>
    public const ushort MoveOriginatorMessageId = 0x1031;

    /// <summary>Command Data Set Type value meaning "no data set follows" (PS3.7 §E.1).</summary>
    public const ushort NoDataSet = 0x0101;

    /// <summary>
    /// Command Data Set Type value Portico writes when a data set follows. PS3.7 §E.1: any value other than 0x0101
    /// means "present"; readers must not test for this one.
    /// </summary>
    public const ushort DataSetPresent = 0x0000;
}
