namespace Portico.Index.StudyList;

/// <summary>Sort order of the Study List. Ties are broken by the study's id, in the same direction.</summary>
public readonly record struct StudySort(StudySortField Field, SortDirection Direction)
{
    /// <summary>Newest study first.</summary>
    public static StudySort Default { get; } = new(StudySortField.StudyDateTime, SortDirection.Descending);
}
