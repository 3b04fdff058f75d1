namespace Portico.Dicom.Network.Scu;

/// <summary>A presentation context the SCP accepted: its id, the SOP class proposed for it and the transfer syntax it chose.</summary>
public sealed record AcceptedPresentationContext(byte Id, string AbstractSyntax, string TransferSyntax);
