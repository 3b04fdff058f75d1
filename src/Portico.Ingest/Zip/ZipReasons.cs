using System.Globalization;

namespace Portico.Ingest.Zip;

/// <summary>
/// The reason texts of <see cref="ZipEntryReport"/> and <see cref="ZipWalkResult"/>. They are shown to the
/// person who uploaded the archive, so they say what happened in plain words, and they are stable so the
/// upload panel and the audit log can group by them. They never contain entry names (which can hold
/// patient names); the report carries the name beside the reason.
/// </summary>
internal static class ZipReasons
{
    public const string NotZipArchive = "The file is not a valid ZIP archive";

    public const string CentralDirectoryTooLarge = "The ZIP archive's list of files is far larger than any real archive's";

    public const string SizeMismatch = "The ZIP archive is damaged or forged: a file in it expands beyond the size recorded for it";

    public const string Traversal = "The file's path leads outside the ZIP archive, so it was not unpacked";

    public const string AbsolutePath = "The file's path is absolute (it starts with a slash or a drive letter), so it was not unpacked";

    public const string DicomDir = "DICOMDIR is the index of a CD or DVD, not an image; the images it lists are read from their own files";

    public const string Directory = "This is a folder; the files in it are listed separately";

    public const string NotDicom = "This file is not a DICOM file";

    public const string Encrypted = "This file is password-protected and cannot be read; create the ZIP archive without a password";

    public const string EntryDamaged = "This file is damaged in the ZIP archive, or compressed with a method that cannot be read";

    public const string NestedArchiveDamaged = "This file is named .zip but is not a valid ZIP archive";

    public const string NestedArchiveUnpacked = "ZIP archive inside the upload: its files are listed after it";

    public static string TooManyEntries(int maxEntries) =>
        string.Create(CultureInfo.InvariantCulture, $"The ZIP archive contains more than {maxEntries:N0} files");

    public static string TooLarge(long maxTotalBytes) => $"The ZIP archive expands to more than {FormatSize(maxTotalBytes)}";

    public static string TooCompressed(double maxRatio) =>
        string.Create(CultureInfo.InvariantCulture, $"The ZIP archive expands to more than {maxRatio:0.#} times its compressed size, which real images never do; it looks like a ZIP bomb");

    public static string EntryTooLarge(long maxEntryBytes) => $"This file is larger than {FormatSize(maxEntryBytes)}, the largest DICOM file accepted";

    public static string NestedTooDeep(int maxNestingDepth) => maxNestingDepth == 0
        ? "ZIP archives inside the uploaded ZIP archive are not opened; unzip this one and upload its files"
        : string.Create(CultureInfo.InvariantCulture, $"ZIP archives inside a ZIP archive are opened only {maxNestingDepth} level{(maxNestingDepth == 1 ? "" : "s")} deep; unzip this one and upload its files");

    /// <summary>Sizes the way the product's manuals write them: binary units named GB, MB and KB ("2 GB", "3.5 MB").</summary>
    public static string FormatSize(long bytes)
    {
        const long KiB = 1L << 10, MiB = 1L << 20, GiB = 1L << 30;
        (long unit, string name) = bytes switch
        {
            >= GiB => (GiB, "GB"),
            >= MiB => (MiB, "MB"),
            >= KiB => (KiB, "KB"),
            _ => (1L, "bytes"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{(double)bytes / unit:0.#} {name}");
    }
}
