using Portico.Index.Conversions;

namespace Portico.Index.UploadPortal;

/// <summary>Identifies an <see cref="UploadCode"/>.</summary>
public readonly record struct UploadCodeId(Guid Value) : ITypedId<UploadCodeId>
{
    public static UploadCodeId New() => new(Guid.CreateVersion7());

    static UploadCodeId ITypedId<UploadCodeId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
