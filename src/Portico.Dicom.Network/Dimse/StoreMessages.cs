namespace Portico.Dicom.Network.Dimse;

/// <summary>C-STORE request and response command sets, PS3.7 §9.3.1.</summary>
public static class StoreMessages
{
    /// <summary>
    /// A C-STORE-RQ; the data set follows in data PDVs. <paramref name="moveOriginatorAETitle"/> and
    /// <paramref name="moveOriginatorMessageId"/> are set when the store is a sub-operation of a C-MOVE (PS3.7 §9.3.1.1).
    /// </summary>
    public static CommandSet CreateRequest(
        ushort messageId,
        string sopClassUid,
        string sopInstanceUid,
        DimsePriority priority = DimsePriority.Medium,
        string? moveOriginatorAETitle = null,
        ushort? moveOriginatorMessageId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sopClassUid);
        ArgumentException.ThrowIfNullOrEmpty(sopInstanceUid);
        var command = new CommandSet();
        command.SetUid(CommandElement.AffectedSopClassUid, sopClassUid);
        command.CommandField = DimseCommandField.CStoreRq;
        command.SetUInt16(CommandElement.MessageId, messageId);
        DimseResponse.SetPriority(command, priority);
        command.SetUInt16(CommandElement.CommandDataSetType, CommandElement.DataSetPresent);
        command.SetUid(CommandElement.AffectedSopInstanceUid, sopInstanceUid);
        if (moveOriginatorAETitle is not null)
        {
            command.SetText(CommandElement.MoveOriginatorApplicationEntityTitle, moveOriginatorAETitle);
        }
        if (moveOriginatorMessageId is ushort originatorId)
        {
            command.SetUInt16(CommandElement.MoveOriginatorMessageId, originatorId);
        }
        return command;
    }

    /// <summary>A C-STORE-RSP for <paramref name="request"/>: its SOP class and instance, the status and an optional Error Comment.</summary>
    public static CommandSet CreateResponse(CommandSet request, ushort status, string? errorComment = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        CommandSet response = DimseResponse.Create(request, DimseCommandField.CStoreRsp, status, errorComment, hasDataSet: false);
        if (request.AffectedSopInstanceUid is { Length: > 0 } instance)
        {
            response.SetUid(CommandElement.AffectedSopInstanceUid, instance);
        }
        return response;
    }
}
