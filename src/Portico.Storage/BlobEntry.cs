namespace Portico.Storage;

/// <summary>A blob as found on disk, with its last write time (refreshed when the same content is written again).</summary>
internal readonly record struct BlobEntry(BlobKey Key, long Length, string Path, DateTime LastWriteUtc);
