namespace Portico.Dicom.Network.Dimse;

/// <summary>C-CANCEL-RQ, PS3.7 §9.3.2.3 (C-FIND), §9.3.3.3 (C-GET), §9.3.4.3 (C-MOVE). It has no response.</summary>
public static class CancelMessages
{
    /// <summary>Cancels the operation whose request had <paramref name="messageIdBeingCancelled"/>; sent on that request's presentation context.</summary>
    public static CommandSet CreateRequest(ushort messageIdBeingCancelled)
    {
        var command = new CommandSet();
        command.CommandField = DimseCommandField.CCancelRq;
        command.SetUInt16(CommandElement.MessageIdBeingRespondedTo, messageIdBeingCancelled);
        command.SetUInt16(CommandElement.CommandDataSetType, CommandElement.NoDataSet);
        return command;
    }
}
