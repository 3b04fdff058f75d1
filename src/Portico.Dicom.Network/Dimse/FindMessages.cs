namespace Portico.Dicom.Network.Dimse;

/// <summary>C-FIND request and response command sets, PS3.7 §9.3.2.</summary>
public static class FindMessages
{
    /// <summary>A C-FIND-RQ for an information model (e.g. Study Root FIND); the identifier follows in data PDVs.</summary>
    public static CommandSet CreateRequest(ushort messageId, string sopClassUid, DimsePriority priority = DimsePriority.Medium)
    {
        ArgumentException.ThrowIfNullOrEmpty(sopClassUid);
        var command = new CommandSet();
        command.SetUid(CommandElement.AffectedSopClassUid, sopClassUid);
        command.CommandField = DimseCommandField.CFindRq;
        command.SetUInt16(CommandElement.MessageId, messageId);
        DimseResponse.SetPriority(command, priority);
        command.SetUInt16(CommandElement.CommandDataSetType, CommandElement.DataSetPresent);
        return command;
    }

    /// <summary>
    /// A C-FIND-RSP. A pending response (FF00, FF01) carries a match as its identifier (<paramref name="hasIdentifier"/>
    /// true); the final one (success, cancel, failure) normally has none.
    /// </summary>
    public static CommandSet CreateResponse(CommandSet request, ushort status, bool hasIdentifier = false, string? errorComment = null) =>
        DimseResponse.Create(request, DimseCommandField.CFindRsp, status, errorComment, hasIdentifier);
}
