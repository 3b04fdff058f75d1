namespace Portico.Dicom.Network.Dimse;

/// <summary>C-MOVE-RSP and C-GET-RSP share their layout (PS3.7 tables 9.3-4 and 9.3-6).</summary>
internal static class RetrieveResponses
{
    public static CommandSet Create(CommandSet request, DimseCommandField field, ushort status, SubOperationCounts? counts, bool hasIdentifier, string? errorComment)
    {
        CommandSet response = DimseResponse.Create(request, field, status, errorComment, hasIdentifier);
        if (counts is { } c)
        {
            // Remaining is required in pending responses, optional in cancel responses, absent otherwise (PS3.7 §9.1.3.1).
            response.SetSubOperations(c, includeRemaining: DimseStatus.IsPending(status) || DimseStatus.IsCancel(status));
        }
        return response;
    }
}
