using Portico.Index.Conversions;

namespace Portico.Index.Studies;

/// <summary>Identifies an <see cref="Instance"/> row.</summary>
public readonly record struct InstanceId(Guid Value) : ITypedId<InstanceId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static InstanceId New() => new(Guid.CreateVersion7());

    static InstanceId ITypedId<InstanceId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
