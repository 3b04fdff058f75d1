namespace Portico.Dicom.Network.Dimse;

/// <summary>The parts every DIMSE-C response shares (PS3.7 §9.3): command field with bit 15 set, the request's message id, status.</summary>
internal static class DimseResponse
{
    /// <summary>Error Comment is LO: at most 64 characters (PS3.5 §6.2).</summary>
    public const int MaxErrorCommentLength = 64;

    public static CommandSet Create(CommandSet request, DimseCommandField responseField, ushort status, string? errorComment, bool hasDataSet)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new CommandSet();
        if (request.AffectedSopClassUid is { Length: > 0 } sopClass)
        {
            response.SetUid(CommandElement.AffectedSopClassUid, sopClass);
        }
        response.CommandField = responseField;
        response.SetUInt16(CommandElement.MessageIdBeingRespondedTo, request.MessageId);
        response.SetUInt16(CommandElement.CommandDataSetType, hasDataSet ? CommandElement.DataSetPresent : CommandElement.NoDataSet);
        response.SetUInt16(CommandElement.Status, status);
        if (!string.IsNullOrEmpty(errorComment))
        {
            response.SetText(CommandElement.ErrorComment, Truncate(errorComment));
        }
        return response;
    }

    /// <summary>Cuts a comment to the LO length and replaces what the default repertoire cannot carry (a backslash is a value separator).</summary>
    public static string Truncate(string comment)
    {
        string cut = comment.Length > MaxErrorCommentLength ? comment[..MaxErrorCommentLength] : comment;
        return string.Create(cut.Length, cut, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                span[i] = c is < ' ' or > '~' or '\\' ? '?' : c;
            }
        });
    }

    public static void SetPriority(CommandSet command, DimsePriority priority) => command.SetUInt16(CommandElement.Priority, (ushort)priority);
}
