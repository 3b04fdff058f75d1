namespace Portico.Storage;

/// <summary>A complete blob: its content address and its length in bytes.</summary>
public sealed record BlobInfo(BlobKey Key, long Length);
