namespace Portico.Index.Studies;

/// <summary>How an instance reached Portico (DESIGN.md: devices, staff, Upload Portal, scripts). Stored by name.</summary>
public enum IngestSourceKind
{
    /// <summary>A registered device over the DICOM network (C-STORE).</summary>
    DicomIdentity = 0,

    /// <summary>A signed-in user in the web app.</summary>
    User = 1,

    /// <summary>A patient or referring physician through the Upload Portal.</summary>
    UploadCode = 2,

    /// <summary>A server-side import (e.g. a stress test or a folder on the server).</summary>
    Import = 3,

    /// <summary>A script or the watch-folder agent.</summary>
    ApiKey = 4,
}
