namespace Portico.Ingest.Pipeline;

/// <summary>An upload streamed to a temp file in the blob store's file system (so it can be moved into place).</summary>
public sealed record SpooledFile(string Path, long Length)
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
