using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portico.Index.Conversions;

/// <summary>Stores a typed id as its <see cref="Guid"/> (uuid in PostgreSQL, TEXT in SQLite).</summary>
internal sealed class TypedIdConverter<TId>()
    : ValueConverter<TId, Guid>(id => id.Value, value => Create(value))
    where TId : struct, ITypedId<TId>
{
    // Expression trees cannot call a static abstract member directly; this method can.
    private static TId Create(Guid value) => TId.FromGuid(value);
}
