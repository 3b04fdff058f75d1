namespace Portico.Index.Studies;

/// <summary>
/// Derives the search columns from the values they index: <see cref="Patient.PatientNameSearch"/> from the name
/// (<see cref="PersonNameSearch"/>) and <see cref="Study.ModalitiesSearch"/> from the modalities
/// (<see cref="ModalitiesSearch"/>). <see cref="PorticoDbContext"/> applies it to every added or modified row on
/// save; code that writes rows without change tracking (<c>ExecuteUpdate</c>, the index seeding benchmark) calls it
/// itself, so every writer derives them the same way.
/// </summary>
public static class SearchColumns
{
    public static void Derive(Patient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        patient.PatientNameSearch = PersonNameSearch.Normalize(patient.PatientName);
    }

    public static void Derive(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        study.ModalitiesSearch = ModalitiesSearch.Normalize(study.Modalities);
    }
}
