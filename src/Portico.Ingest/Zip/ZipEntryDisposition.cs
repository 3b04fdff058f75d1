namespace Portico.Ingest.Zip;

/// <summary>What <see cref="ZipWalker"/> did with one entry of an uploaded ZIP archive.</summary>
public enum ZipEntryDisposition
{
    /// <summary>
    /// Unpacked to a temporary file: a DICOM file handed to the caller, or a nested ZIP archive whose
    /// entries follow it in the report (its <see cref="ZipEntryReport.Reason"/> says so).
    /// </summary>
    Extracted,

    /// <summary>The entry's path climbs out of the archive ("..") and was not unpacked.</summary>
    SkippedTraversal,

    /// <summary>The entry's path is absolute (a leading slash or backslash, or a drive letter) and was not unpacked.</summary>
    SkippedAbsolutePath,

    /// <summary>A DICOMDIR (the index of a CD or DVD): the images it lists are read from their own entries.</summary>
    SkippedDicomDir,

    /// <summary>The entry does not look like a DICOM file (a PDF, a JPEG, a text file...).</summary>
    SkippedNotDicom,

    /// <summary>A folder entry: the files in it are entries of their own.</summary>
    SkippedDirectory,

    /// <summary>A ZIP archive nested deeper than <see cref="ZipLimits.MaxNestingDepth"/>.</summary>
    SkippedNestedTooDeep,

    /// <summary>A password-protected entry, which cannot be read.</summary>
    SkippedEncrypted,

    /// <summary>
    /// Not unpacked because it is damaged or passes a limit. When the limit is one for the whole archive
    /// (entry count, total size, compression ratio), the walk stops here and <see cref="ZipWalkResult.Refused"/> is set.
    /// </summary>
    Refused,
}
