namespace Portico.Dicom.Network.Pdus;

/// <summary>Presentation context item of an A-ASSOCIATE-RQ (item type 0x20), PS3.8 §9.3.2.2.</summary>
/// <param name="Id">Presentation context id, an odd number 1–255.</param>
/// <param name="AbstractSyntax">Abstract syntax sub-item (0x30): a SOP class UID.</param>
/// <param name="TransferSyntaxes">Transfer syntax sub-items (0x40), in the requestor's order.</param>
public sealed record PresentationContextRequest(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);
