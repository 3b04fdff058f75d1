namespace Portico.Dicom.Network.Services;

/// <summary>One instance a C-GET (or C-MOVE) sends.</summary>
/// <param name="SopClassUid">SOP Class UID of the instance.</param>
/// <param name="SopInstanceUid">SOP Instance UID of the instance.</param>
/// <param name="TransferSyntaxUid">Transfer syntax it is stored in.</param>
/// <param name="OpenAsync">Opens the stored Part 10 file (preamble and file meta included), read-only; the caller disposes it.</param>
public sealed record RetrieveItem(
    string SopClassUid,
    string SopInstanceUid,
    string TransferSyntaxUid,
    Func<CancellationToken, ValueTask<Stream>> OpenAsync);
