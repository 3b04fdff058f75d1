namespace Portico.Dicom.Network.Services;

/// <summary>A C-STORE-RQ about to deliver its data set (PS3.7 §9.1.1).</summary>
/// <param name="Association">The association it arrived on.</param>
/// <param name="SopClassUid">Affected SOP Class UID of the command.</param>
/// <param name="SopInstanceUid">Affected SOP Instance UID of the command.</param>
/// <param name="TransferSyntaxUid">The transfer syntax of the presentation context: the data set bytes are in it.</param>
/// <param name="MoveOriginatorAETitle">Set when the store is a C-MOVE sub-operation of another SCP.</param>
public sealed record StoreRequest(
    AssociationContext Association,
    string SopClassUid,
    string SopInstanceUid,
    string TransferSyntaxUid,
    string? MoveOriginatorAETitle);
