using Portico.Index.Conversions;

namespace Portico.Index.Dicom;

/// <summary>Identifies a <see cref="DicomAssociationLogEntry"/>.</summary>
public readonly record struct DicomAssociationLogEntryId(Guid Value) : ITypedId<DicomAssociationLogEntryId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static DicomAssociationLogEntryId New() => new(Guid.CreateVersion7());

    static DicomAssociationLogEntryId ITypedId<DicomAssociationLogEntryId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
