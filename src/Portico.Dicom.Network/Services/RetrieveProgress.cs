namespace Portico.Dicom.Network.Services;

/// <summary>Sub-operation counts of a C-MOVE or C-GET (PS3.7 §9.1.3, §9.1.4), reported in pending and final responses.</summary>
public sealed record RetrieveProgress(int Remaining, int Completed, int Failed, int Warning)
{
    /// <summary>SOP Instance UIDs whose sub-operation failed (Failed SOP Instance UID List in the final response).</summary>
    public IReadOnlyList<string> FailedSopInstanceUids { get; init; } = [];
}
