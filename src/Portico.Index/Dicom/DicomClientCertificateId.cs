using Portico.Index.Conversions;

namespace Portico.Index.Dicom;

/// <summary>Identifies a <see cref="DicomClientCertificate"/>.</summary>
public readonly record struct DicomClientCertificateId(Guid Value) : ITypedId<DicomClientCertificateId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static DicomClientCertificateId New() => new(Guid.CreateVersion7());

    static DicomClientCertificateId ITypedId<DicomClientCertificateId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
