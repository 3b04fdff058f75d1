using Portico.Index.Conversions;

namespace Portico.Index.Studies;

/// <summary>Identifies a <see cref="Patient"/> row (not the DICOM Patient ID, which is <see cref="Patient.PatientId"/>).</summary>
public readonly record struct PatientRecordId(Guid Value) : ITypedId<PatientRecordId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static PatientRecordId New() => new(Guid.CreateVersion7());

    static PatientRecordId ITypedId<PatientRecordId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
