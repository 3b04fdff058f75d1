namespace Portico.Index.UploadPortal;

/// <summary>
/// A patient as found in a portal session's files (Patient ID, name and birth date, kept as a hash) and the Patient ID
/// that replaces it in every stored file of the session.
/// </summary>
public sealed class PortalPatient
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SessionId { get; set; }

    /// <summary>SHA-256 of the original Patient ID, name and birth date: the same patient gets the same new ID.</summary>
    public string OriginalKey { get; set; } = "";

    public string OriginalPatientId { get; set; } = "";

    /// <summary>The Patient ID written into the stored files; unique.</summary>
    public string NewPatientId { get; set; } = "";
}
