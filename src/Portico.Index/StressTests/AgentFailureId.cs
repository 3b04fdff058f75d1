using Portico.Index.Conversions;

namespace Portico.Index.StressTests;

/// <summary>Identifies an <see cref="AgentFailure"/>.</summary>
public readonly record struct AgentFailureId(Guid Value) : ITypedId<AgentFailureId>
{
    public static AgentFailureId New() => new(Guid.CreateVersion7());

    static AgentFailureId ITypedId<AgentFailureId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
