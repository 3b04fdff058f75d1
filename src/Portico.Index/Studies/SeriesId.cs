using Portico.Index.Conversions;

namespace Portico.Index.Studies;

/// <summary>Identifies a <see cref="Series"/> row.</summary>
public readonly record struct SeriesId(Guid Value) : ITypedId<SeriesId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static SeriesId New() => new(Guid.CreateVersion7());

    static SeriesId ITypedId<SeriesId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
