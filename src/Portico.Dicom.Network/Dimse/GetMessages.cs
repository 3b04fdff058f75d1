namespace Portico.Dicom.Network.Dimse;

/// <summary>C-GET request and response command sets, PS3.7 §9.3.3.</summary>
public static class GetMessages
{
    /// <summary>A C-GET-RQ; the identifier follows. The matches come back as C-STORE sub-operations on the same association.</summary>
    public static CommandSet CreateRequest(ushort messageId, string sopClassUid, DimsePriority priority = DimsePriority.Medium)
    {
        ArgumentException.ThrowIfNullOrEmpty(sopClassUid);
        var command = new CommandSet();
        command.SetUid(CommandElement.AffectedSopClassUid, sopClassUid);
        command.CommandField = DimseCommandField.CGetRq;
        command.SetUInt16(CommandElement.MessageId, messageId);
        DimseResponse.SetPriority(command, priority);
        command.SetUInt16(CommandElement.CommandDataSetType, CommandElement.DataSetPresent);
        return command;
    }

    /// <summary>A C-GET-RSP, with the same count rules as <see cref="MoveMessages.CreateResponse"/>.</summary>
    public static CommandSet CreateResponse(CommandSet request, ushort status, SubOperationCounts? counts, bool hasIdentifier = false, string? errorComment = null) =>
        RetrieveResponses.Create(request, DimseCommandField.CGetRsp, status, counts, hasIdentifier, errorComment);
}
