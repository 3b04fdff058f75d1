using Portico.Index.Conversions;

namespace Portico.Index.Access;

/// <summary>Identifies an <see cref="ApiKey"/>.</summary>
public readonly record struct ApiKeyId(Guid Value) : ITypedId<ApiKeyId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static ApiKeyId New() => new(Guid.CreateVersion7());

    static ApiKeyId ITypedId<ApiKeyId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
