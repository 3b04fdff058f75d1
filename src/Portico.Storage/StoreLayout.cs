using Microsoft.Win32.SafeHandles;

namespace Portico.Storage;

/// <summary>
/// How deep a store's blobs sit, recorded in <c>&lt;root&gt;/layout</c> when the store is first opened.
/// </summary>
/// <remarks>
/// Stores are created with one level, <c>blobs/ab/&lt;sha256&gt;</c>: its 256 directories are made at open, so no write ever
/// creates a directory. The two-level layout of earlier versions (<c>blobs/ab/cd/&lt;sha256&gt;</c>, 65,536 directories)
/// created one for nearly every blob of a young store: an inode allocation, a directory block and a flush of the parent,
/// about a tenth of the server's CPU per small instance. A store written by those versions has no layout file and
/// blobs two levels down; it keeps that layout.
/// </remarks>
internal sealed class StoreLayout
{
    /// <summary>The file, in the store's root, that names the layout.</summary>
    internal const string FileName = "layout";

    internal const string SingleLevelText = "blobs/ab/<sha256>";
    internal const string TwoLevelText = "blobs/ab/cd/<sha256>";

    private StoreLayout(bool twoLevel) => TwoLevel = twoLevel;

    /// <summary>Blobs sit in <c>blobs/ab/cd/</c> rather than <c>blobs/ab/</c>.</summary>
    public bool TwoLevel { get; }

    /// <summary>Reads the store's layout, or records it (durably when <paramref name="durable"/>) on first open.</summary>
    /// <exception cref="InvalidDataException">The layout file names a layout this version does not know.</exception>
    public static StoreLayout Open(string rootDirectory, string blobsDirectory, bool durable)
    {
        string path = Path.Join(rootDirectory, FileName);
        if (File.Exists(path))
        {
            string text = File.ReadAllText(path).Trim();
            return text switch
            {
                SingleLevelText => new StoreLayout(twoLevel: false),
                TwoLevelText => new StoreLayout(twoLevel: true),
                _ => throw new InvalidDataException($"The blob store at {rootDirectory} has the layout '{text}', which this version of Portico does not know."),
            };
        }

        bool twoLevel = HasSecondLevel(blobsDirectory);
        Record(rootDirectory, path, twoLevel ? TwoLevelText : SingleLevelText, durable);
        return new StoreLayout(twoLevel);
    }

    /// <summary>A store from before the layout file: any directory under a first-level one means two levels.</summary>
    private static bool HasSecondLevel(string blobsDirectory)
    {
        foreach (string first in Directory.EnumerateDirectories(blobsDirectory))
        {
            if (Path.GetFileName(first).Length == 2 && Directory.EnumerateDirectories(first).Any())
            {
                return true;
            }
        }

        return false;
    }

    private static void Record(string rootDirectory, string path, string text, bool durable)
    {
        string temp = path + ".tmp";
        using (SafeFileHandle handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(text + "\n"), 0);
            if (durable)
            {
                DurableFileSystem.FlushFile(handle);
            }
        }

        File.Move(temp, path, overwrite: true);
        if (durable)
        {
            DurableFileSystem.FlushDirectory(rootDirectory);
        }
    }
}
