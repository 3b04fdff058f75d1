using Portico.Storage;

namespace Portico.Ingest.Pipeline;

/// <summary>
/// An upload streamed to a temp file in the blob store's file system (so it can be moved into place), with the
/// SHA-256 computed on the way (its blob key).
/// </summary>
public sealed record SpooledFile(string Path, long Length, BlobKey Key)
{
    public void Delete()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // The temp sweep at start removes what could not be deleted now.
        }
    }
}
