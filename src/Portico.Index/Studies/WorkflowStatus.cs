namespace Portico.Index.Studies;

/// <summary>Where a study is in the reading workflow. Stored by name.</summary>
public enum WorkflowStatus
{
    New = 0,
    InProgress = 1,
    Finalized = 2,
}
