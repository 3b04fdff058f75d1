using Portico.Index.Conversions;

namespace Portico.Index.Studies;

/// <summary>Identifies a <see cref="Study"/> row.</summary>
public readonly record struct StudyId(Guid Value) : ITypedId<StudyId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static StudyId New() => new(Guid.CreateVersion7());

    static StudyId ITypedId<StudyId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
