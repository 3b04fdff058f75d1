namespace Portico.Dicom.Network.Pdus;

/// <summary>Presentation context item of an A-ASSOCIATE-AC (item type 0x21), PS3.8 §9.3.3.2.</summary>
/// <param name="Id">The id of the requested context this answers.</param>
/// <param name="Result">Acceptance or the reason for refusal.</param>
/// <param name="TransferSyntax">The chosen transfer syntax; PS3.8 says it is not significant unless accepted.</param>
public sealed record PresentationContextAccept(byte Id, PresentationContextResult Result, string TransferSyntax)
{
    public bool IsAccepted => Result == PresentationContextResult.Acceptance;
}
