namespace Portico.Index.Conversions;

/// <summary>
/// A strongly typed id over a <see cref="Guid"/> (STYLE.md: <c>readonly record struct StudyId(Guid Value)</c>).
/// The static factory lets one generic value converter map every id type to its Guid column.
/// </summary>
public interface ITypedId<TSelf>
    where TSelf : struct, ITypedId<TSelf>
{
    Guid Value { get; }

    static abstract TSelf FromGuid(Guid value);
}
