namespace Portico.Ingest.Zip;

/// <summary>The outcome for one entry of an uploaded ZIP archive.</summary>
/// <param name="Name">
/// The entry's path inside the upload, as stored in the archive; entries of a nested archive are
/// prefixed by that archive's path and a slash ("inner.zip/dir/file.dcm").
/// </param>
/// <param name="Disposition">What was done with the entry.</param>
/// <param name="Reason">Why, in words a hospital user can read; null for a DICOM file that was extracted.</param>
public sealed record ZipEntryReport(string Name, ZipEntryDisposition Disposition, string? Reason);
