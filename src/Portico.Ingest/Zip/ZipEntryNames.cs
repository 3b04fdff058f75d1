namespace Portico.Ingest.Zip;

/// <summary>
/// Judges an entry by its stored name (APPNOTE 4.4.17: a relative path with forward slashes, though
/// Windows tools also write backslashes, so both count as separators). The name never becomes a path
/// on disk (temporary files get random names), so these checks decide what is reported, and an entry
/// whose name would escape the extraction root on any system is skipped rather than trusted.
/// </summary>
internal static class ZipEntryNames
{
    private static readonly char[] Separators = ['/', '\\'];

    /// <summary>SkippedAbsolutePath, SkippedTraversal, or null when the name stays inside the archive.</summary>
    public static ZipEntryDisposition? CheckPath(string name)
    {
        if (name.Length > 0 && (name[0] is '/' or '\\'))
        {
            return ZipEntryDisposition.SkippedAbsolutePath; // "/etc/passwd", "\\server\share", "\x.dcm"
        }

        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
        {
            return ZipEntryDisposition.SkippedAbsolutePath; // "C:\x.dcm", and drive-relative "C:x.dcm"
        }

        foreach (string segment in name.Split(Separators))
        {
            if (IsParentSegment(segment))
            {
                return ZipEntryDisposition.SkippedTraversal;
            }
        }

        return null;
    }

    /// <summary>A folder entry: by convention its name ends with a separator (APPNOTE 4.3.8).</summary>
    public static bool IsDirectory(string name) => name.Length > 0 && (name[^1] is '/' or '\\');

    /// <summary>
    /// The file name is DICOMDIR in any case (PS3.10 §8.6: the DICOMDIR file of the File-set), also with the
    /// ISO 9660 version suffix ";1" or a trailing dot that some CD copies keep.
    /// </summary>
    public static bool IsDicomDir(string name)
    {
        ReadOnlySpan<char> fileName = FileName(name);
        if (fileName.EndsWith(";1", StringComparison.Ordinal))
        {
            fileName = fileName[..^2];
        }

        return fileName.TrimEnd('.').Equals("DICOMDIR", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A nested archive, recognized by its ".zip" extension only: Office documents, JARs and the like are
    /// ZIP files too, but they are attachments to report as they are, not folders to open.
    /// </summary>
    public static bool IsZipArchive(string name) => FileName(name).EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    private static ReadOnlySpan<char> FileName(string name)
    {
        int slash = name.AsSpan().LastIndexOfAny('/', '\\');
        return name.AsSpan(slash + 1);
    }

    /// <summary>
    /// "..", and conservatively its look-alikes that some systems normalize to ".." (Windows drops trailing
    /// spaces and dots, so ".. " climbs too): any segment made only of dots and spaces, with at least two dots.
    /// </summary>
    private static bool IsParentSegment(string segment)
    {
        int dots = 0;
        foreach (char c in segment)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (c != ' ')
            {
                return false;
            }
        }

        return dots >= 2;
    }
}
