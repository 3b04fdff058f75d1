namespace Portico.Index.StudyList;

/// <summary>
/// Columns the Study List sorts by. For the nullable ones (<see cref="StudyDateTime"/>, <see cref="PatientBirthDate"/>)
/// rows without a value come last in either direction, the same on every provider.
/// </summary>
public enum StudySortField
{
    StudyDateTime = 0,
    ReceivedAt = 1,
    LastReceivedAt = 2,
    PatientName = 3,
    PatientId = 4,
    PatientBirthDate = 5,
    AccessionNumber = 6,
    Description = 7,
    Modalities = 8,
    NumberOfInstances = 9,
}
