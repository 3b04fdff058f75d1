namespace Portico.Web.Features.DicomNetwork;

/// <summary>An indexed instance to send: what the association needs to propose it and where its bytes are.</summary>
public sealed record StoredInstance(string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, string BlobKey);
