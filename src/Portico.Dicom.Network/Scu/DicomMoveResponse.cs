using Portico.Dicom.Network.Dimse;

namespace Portico.Dicom.Network.Scu;

/// <summary>One C-MOVE-RSP (PS3.7 §9.3.4.2): pending ones report progress, the last one the outcome.</summary>
/// <param name="Status">The status; pending (FF00) until the final response.</param>
/// <param name="SubOperations">The sub-operation counts, when the response carries them.</param>
/// <param name="ErrorComment">Error Comment (0000,0902), if any.</param>
public sealed record DicomMoveResponse(ushort Status, SubOperationCounts? SubOperations, string? ErrorComment)
{
    /// <summary>More responses follow.</summary>
    public bool IsPending => DimseStatus.IsPending(Status);

    /// <summary>Failed SOP Instance UID List (0008,0058) of a final response with failures.</summary>
    public IReadOnlyList<string> FailedSopInstanceUids { get; init; } = [];
}
