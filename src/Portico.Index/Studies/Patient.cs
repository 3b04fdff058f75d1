namespace Portico.Index.Studies;

/// <summary>
/// A patient as the received files describe it. Outside Patient IDs collide, so (PatientId, IssuerOfPatientId)
/// is deliberately not unique: each study points to the patient row it arrived with, and a merge re-points it.
/// Patient data never goes to logs.
/// </summary>
public sealed class Patient
{
    public PatientRecordId Id { get; set; } = PatientRecordId.New();

    /// <summary>Patient ID (0010,0020) as received; may be empty.</summary>
    public string PatientId { get; set; } = "";

    /// <summary>Issuer of Patient ID (0010,0021); empty when absent.</summary>
    public string IssuerOfPatientId { get; set; } = "";

    /// <summary>Patient's Name (0010,0010) as stored, a PN value with <c>^</c> and <c>=</c> separators.</summary>
    public string PatientName { get; set; } = "";

    /// <summary>
    /// <see cref="PatientName"/> normalized for case-insensitive wildcard search (<see cref="PersonNameSearch"/>).
    /// <see cref="PorticoDbContext"/> keeps it in step on every save.
    /// </summary>
    public string PatientNameSearch { get; set; } = "";

    /// <summary>Patient's Birth Date (0010,0030).</summary>
    public DateOnly? BirthDate { get; set; }

    /// <summary>Patient's Sex (0010,0040): M, F, O or empty.</summary>
    public string Sex { get; set; } = "";

    public ICollection<Study> Studies { get; } = new List<Study>();
}
