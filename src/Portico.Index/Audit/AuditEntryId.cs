using Portico.Index.Conversions;

namespace Portico.Index.Audit;

/// <summary>Identifies an <see cref="AuditEntry"/>.</summary>
public readonly record struct AuditEntryId(Guid Value) : ITypedId<AuditEntryId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static AuditEntryId New() => new(Guid.CreateVersion7());

    static AuditEntryId ITypedId<AuditEntryId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
