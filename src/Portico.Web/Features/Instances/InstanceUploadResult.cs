namespace Portico.Web.Features.Instances;

/// <summary>One entry per file found in an upload: what happened to it.</summary>
/// <param name="File">The file name as sent (for a ZIP, the path inside the archive).</param>
/// <param name="Status">Stored, Duplicate, Conflict, Rejected, or Skipped (ZIP entries that are not DICOM or not safe).</param>
public sealed record InstanceUploadResult(string File, string? SopInstanceUid, string? StudyInstanceUid, string Status, string? Reason);
