namespace Portico.Index.QueryRetrieve;

/// <summary>Bounds on one C-FIND.</summary>
public sealed record QueryLimits
{
    public static readonly QueryLimits Default = new();

    /// <summary>
    /// Matches returned at most; the query stops in the database there. 10,000 studies is more than any worklist
    /// shows and keeps one C-FIND under a few MB of responses.
    /// </summary>
    public int MaxMatches { get; init; } = 10_000;
}
