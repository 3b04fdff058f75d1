namespace Portico.Index.StudyList;

/// <summary>One page of the Study List and the number of studies that match the query.</summary>
public sealed record StudyListPage(int Total, IReadOnlyList<StudyListRow> Items);
