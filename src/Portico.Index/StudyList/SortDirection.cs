namespace Portico.Index.StudyList;

public enum SortDirection
{
    Descending = 0,
    Ascending = 1,
}
