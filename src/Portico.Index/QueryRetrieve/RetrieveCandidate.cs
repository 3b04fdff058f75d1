namespace Portico.Index.QueryRetrieve;

/// <summary>One stored instance a C-MOVE or C-GET identifier designates.</summary>
/// <param name="BlobKey">The key in the blob store, as <see cref="Studies.Instance.BlobKey"/> stores it.</param>
public sealed record RetrieveCandidate(
    string SopClassUid,
    string SopInstanceUid,
    string TransferSyntaxUid,
    string BlobKey,
    long SizeBytes,
    string StudyInstanceUid);
