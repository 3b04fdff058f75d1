using Portico.Index.Conversions;

namespace Portico.Index.Studies;

/// <summary>Identifies a <see cref="Label"/>.</summary>
public readonly record struct LabelId(Guid Value) : ITypedId<LabelId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static LabelId New() => new(Guid.CreateVersion7());

    static LabelId ITypedId<LabelId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
