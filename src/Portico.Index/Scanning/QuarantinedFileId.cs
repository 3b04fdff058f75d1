using Portico.Index.Conversions;

namespace Portico.Index.Scanning;

/// <summary>Identifies a <see cref="QuarantinedFile"/>.</summary>
public readonly record struct QuarantinedFileId(Guid Value) : ITypedId<QuarantinedFileId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static QuarantinedFileId New() => new(Guid.CreateVersion7());

    static QuarantinedFileId ITypedId<QuarantinedFileId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
