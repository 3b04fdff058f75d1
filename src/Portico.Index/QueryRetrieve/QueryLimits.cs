namespace Portico.Index.QueryRetrieve;

/// <summary>Bounds on one C-FIND or QIDO-RS search.</summary>
public sealed record QueryLimits
{
    public static readonly QueryLimits Default = new();

    /// <summary>
    /// Matches returned at most; the query stops in the database there. 10,000 studies is more than any worklist
    /// shows and keeps one C-FIND under a few MB of responses.
    /// </summary>
    public int MaxMatches { get; init; } = 10_000;

    /// <summary>
    /// For paging (QIDO-RS <c>offset</c>): when set, even to 0, the matches come in the order of the level's unique key
    /// and this many are skipped first, so that consecutive pages neither repeat nor miss a match. C-FIND leaves it
    /// unset: its matches come in whatever order the database finds cheapest.
    /// </summary>
    public int? Offset { get; init; }
}
