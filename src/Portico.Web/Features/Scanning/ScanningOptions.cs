namespace Portico.Web.Features.Scanning;

/// <summary>Malware scanning of uploaded files, bound to <c>Portico:Scanning</c> (docs/operations.md).</summary>
public sealed class ScanningOptions
{
    public const string Section = "Portico:Scanning";

    /// <summary>
    /// Where clamd listens: <c>tcp://127.0.0.1:3310</c> or <c>unix:///run/clamav/clamd.ctl</c>. Empty: no scanner.
    /// </summary>
    public string ClamAv { get; set; } = string.Empty;

    /// <summary>Whether files must be scanned before they are ingested (they wait while the scanner is down).</summary>
    public bool Required { get; set; }

    /// <summary>How long one scan may take before the scanner counts as unavailable. Default 2 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Bytes sent to clamd per INSTREAM chunk. Default 256 KiB.</summary>
    public int ChunkBytes { get; set; } = 256 * 1024;

    /// <summary>How often files waiting for the scanner (it was down) are scanned again. Default 30 seconds.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Where infected files are moved, each as <c>{id}.bin</c> with a <c>{id}.json</c> side record (its original name,
    /// signature, source). Default <c>{Portico:DataDirectory}/quarantine</c>; keep it off the blob store and backups' restores.
    /// </summary>
    public string QuarantineDirectory { get; set; } = string.Empty;
}
