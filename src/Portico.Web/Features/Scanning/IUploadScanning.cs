using Portico.Index.Studies;

namespace Portico.Web.Features.Scanning;

/// <summary>What became of one uploaded file given to <see cref="IUploadScanning.ScanAsync"/>.</summary>
public enum UploadScanStatus
{
    /// <summary>Scanned (every ZIP entry on its own) and clean: the file may be ingested.</summary>
    Clean,

    /// <summary>No scanner is configured and scanning is not required: the file was not scanned and may be ingested.</summary>
    NotScanned,

    /// <summary>Malware found. The file was moved to the quarantine for administrators (and audited): it is gone from its path and must never be ingested.</summary>
    Infected,

    /// <summary>The scanner is required but could not be reached or could not say: the file stays where it is and is scanned again later.</summary>
    Waiting,

    /// <summary>The file cannot be scanned safely (a ZIP that is a bomb, nested too deep, or malformed): refused, <see cref="UploadScanResult.Reason"/> says why.</summary>
    Refused,
}

/// <param name="Status">The outcome.</param>
/// <param name="Reason">A sentence for the uploader (infected, refused, waiting).</param>
/// <param name="Signature">The malware signature, for administrators only (never shown to portal uploaders).</param>
/// <param name="Entry">The ZIP entry (path inside the archive) that was infected or refused, when the file is a ZIP.</param>
public sealed record UploadScanResult(UploadScanStatus Status, string? Reason = null, string? Signature = null, string? Entry = null)
{
    public bool MayIngest => Status is UploadScanStatus.Clean or UploadScanStatus.NotScanned;
}

/// <summary>
/// The quarantine step between an upload's last byte and the ingest pipeline (issue 7, point 5): every portal file, and
/// every staff upload when a scanner is configured, goes through <see cref="ScanAsync"/> first.
/// </summary>
public interface IUploadScanning
{
    /// <summary>A scanner is configured (<c>Portico:Scanning:ClamAv</c>).</summary>
    bool IsConfigured { get; }

    /// <summary>Files may not be ingested unscanned (<c>Portico:Scanning:Required</c>).</summary>
    bool IsRequired { get; }

    /// <summary>
    /// Scans the file at <paramref name="path"/> (a DICOM file, a ZIP with each entry scanned on its own, ZIPs inside
    /// ZIPs too, or an attachment). <paramref name="displayName"/> is the uploader's file name (for the record, never
    /// logged with patient data); <paramref name="source"/> says who brought it (audit and the quarantine list).
    /// </summary>
    Task<UploadScanResult> ScanAsync(string path, string displayName, IngestSource source, CancellationToken cancellationToken);
}
