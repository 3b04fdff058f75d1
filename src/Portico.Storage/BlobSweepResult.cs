namespace Portico.Storage;

/// <summary>What one sweep did.</summary>
/// <param name="Examined">Files (temp sweep) or blobs (orphan sweep) looked at.</param>
/// <param name="Deleted">Files or blobs deleted.</param>
/// <param name="DeletedBytes">Their total length.</param>
/// <param name="KeptRecent">Candidates kept because they were written too recently.</param>
public readonly record struct BlobSweepResult(int Examined, int Deleted, long DeletedBytes, int KeptRecent);
