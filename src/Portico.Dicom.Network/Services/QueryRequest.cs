using Portico.Dicom.Data;

namespace Portico.Dicom.Network.Services;

/// <summary>A C-FIND, C-MOVE or C-GET request (PS3.4 annex C).</summary>
/// <param name="Association">The association it arrived on.</param>
/// <param name="SopClassUid">Affected SOP Class UID: the information model (Patient Root / Study Root, FIND / MOVE / GET).</param>
/// <param name="Identifier">The request's identifier data set, decoded (Query/Retrieve Level, keys, return keys).</param>
/// <param name="MoveDestination">For C-MOVE: the Move Destination AE title.</param>
public sealed record QueryRequest(
    AssociationContext Association,
    string SopClassUid,
    DicomDataset Identifier,
    string? MoveDestination = null);
