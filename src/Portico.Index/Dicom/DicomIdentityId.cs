using Portico.Index.Conversions;

namespace Portico.Index.Dicom;

/// <summary>Identifies a <see cref="DicomIdentity"/>.</summary>
public readonly record struct DicomIdentityId(Guid Value) : ITypedId<DicomIdentityId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static DicomIdentityId New() => new(Guid.CreateVersion7());

    static DicomIdentityId ITypedId<DicomIdentityId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
