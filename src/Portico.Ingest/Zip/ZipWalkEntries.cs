namespace Portico.Ingest.Zip;

/// <summary>Which entries <see cref="ZipWalker"/> unpacks and hands to its caller.</summary>
public enum ZipWalkEntries
{
    /// <summary>Only entries whose first bytes look like DICOM (the ingest); the others are reported as not DICOM.</summary>
    Dicom,

    /// <summary>Every file entry, whatever its content (the malware scan).</summary>
    All,
}
