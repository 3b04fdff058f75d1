using Portico.Index.Studies;

namespace Portico.Index.Scanning;

/// <summary>
/// An uploaded file in which the malware scanner found something: moved out of the upload area into the quarantine
/// folder (<c>{DataDirectory}/quarantine/{Id}.bin</c>), never ingested, listed for administrators until one deletes it.
/// </summary>
public sealed class QuarantinedFile
{
    public QuarantinedFileId Id { get; set; } = QuarantinedFileId.New();

    /// <summary>When it was quarantined (UTC).</summary>
    public DateTime QuarantinedAt { get; set; }

    /// <summary>The uploader's file name (may name a patient: shown to administrators, never logged or audited).</summary>
    public string FileName { get; set; } = "";

    /// <summary>The infected entry's path inside the ZIP archive ("inner.zip/dir/file"), when the file is one.</summary>
    public string? ZipEntry { get; set; }

    /// <summary>What the scanner found (the signature's name).</summary>
    public string Signature { get; set; } = "";

    public long SizeBytes { get; set; }

    /// <summary>SHA-256 of the quarantined file, 64 lower-case hex digits.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Who brought it (user, upload code, API key) and from where.</summary>
    public IngestSource Source { get; set; } = new(IngestSourceKind.User);
}
