namespace Portico.Dicom.Network.Dimse;

/// <summary>C-MOVE request and response command sets, PS3.7 §9.3.4.</summary>
public static class MoveMessages
{
    /// <summary>A C-MOVE-RQ asking the SCP to send the matches to <paramref name="moveDestination"/>; the identifier follows.</summary>
    public static CommandSet CreateRequest(ushort messageId, string sopClassUid, string moveDestination, DimsePriority priority = DimsePriority.Medium)
    {
        ArgumentException.ThrowIfNullOrEmpty(sopClassUid);
        if (!AETitle.IsValid(moveDestination))
        {
            throw new ArgumentException($"'{moveDestination}' is not a valid AE title.", nameof(moveDestination));
        }
        var command = new CommandSet();
        command.SetUid(CommandElement.AffectedSopClassUid, sopClassUid);
        command.CommandField = DimseCommandField.CMoveRq;
        command.SetUInt16(CommandElement.MessageId, messageId);
        command.SetText(CommandElement.MoveDestination, moveDestination.Trim(' '));
        DimseResponse.SetPriority(command, priority);
        command.SetUInt16(CommandElement.CommandDataSetType, CommandElement.DataSetPresent);
        return command;
    }

    /// <summary>
    /// A C-MOVE-RSP. Pending responses carry all four counts; final ones carry completed, failed and warning (and, with
    /// failures, an identifier holding the Failed SOP Instance UID List (0008,0058), <paramref name="hasIdentifier"/>).
    /// </summary>
    public static CommandSet CreateResponse(CommandSet request, ushort status, SubOperationCounts? counts, bool hasIdentifier = false, string? errorComment = null) =>
        RetrieveResponses.Create(request, DimseCommandField.CMoveRsp, status, counts, hasIdentifier, errorComment);
}
