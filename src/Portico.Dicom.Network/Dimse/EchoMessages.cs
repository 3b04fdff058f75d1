namespace Portico.Dicom.Network.Dimse;

/// <summary>C-ECHO request and response command sets, PS3.7 §9.3.5.</summary>
public static class EchoMessages
{
    /// <summary>Verification SOP class, PS3.4 annex A.4.</summary>
    public const string VerificationSopClassUid = "1.2.840.10008.1.1";

    public static CommandSet CreateRequest(ushort messageId)
    {
        var command = new CommandSet();
        command.SetUid(CommandElement.AffectedSopClassUid, VerificationSopClassUid);
        command.CommandField = DimseCommandField.CEchoRq;
        command.SetUInt16(CommandElement.MessageId, messageId);
        command.SetUInt16(CommandElement.CommandDataSetType, CommandElement.NoDataSet);
        return command;
    }

    /// <summary>The response to any request: command field with bit 15 set, the request's message id and SOP class, a status.</summary>
    public static CommandSet CreateResponse(CommandSet request, ushort status, string? errorComment = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new CommandSet();
        if (request.GetString(CommandElement.AffectedSopClassUid) is { Length: > 0 } sopClass)
        {
            response.SetUid(CommandElement.AffectedSopClassUid, sopClass);
        }
        response.SetUInt16(CommandElement.CommandField, (ushort)((ushort)request.CommandField | 0x8000));
        response.SetUInt16(CommandElement.MessageIdBeingRespondedTo, request.GetUInt16(CommandElement.MessageId, 0));
        response.SetUInt16(CommandElement.CommandDataSetType, CommandElement.NoDataSet);
        response.SetUInt16(CommandElement.Status, status);
        if (errorComment is not null)
        {
            // Error Comment is LO: at most 64 characters.
            response.SetText(CommandElement.ErrorComment, errorComment.Length > 64 ? errorComment[..64] : errorComment);
        }
        return response;
    }
}
