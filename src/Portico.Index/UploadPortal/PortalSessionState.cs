namespace Portico.Index.UploadPortal;

/// <summary>Where an Upload Portal session stands. Stored by name.</summary>
public enum PortalSessionState
{
    /// <summary>The code was accepted; files are being chosen (no manifest yet).</summary>
    Open,

    /// <summary>The manifest was accepted: files are being sent (tus), and wait in quarantine.</summary>
    Uploading,

    /// <summary>The uploader finished: each file is scanned, then ingested.</summary>
    Validating,

    /// <summary>The malware scanner is required but unavailable: nothing is ingested; retried every few seconds.</summary>
    WaitingForScanner,

    /// <summary>Every file was dealt with (stored, duplicate, refused or infected).</summary>
    Completed,

    /// <summary>The uploader cancelled: every file of the session was discarded, nothing ingested.</summary>
    Cancelled,
}
