using Portico.Index.Conversions;

namespace Portico.Index.StressTests;

/// <summary>Identifies a <see cref="StressTestAttachment"/>.</summary>
public readonly record struct StressTestAttachmentId(Guid Value) : ITypedId<StressTestAttachmentId>
{
    /// <summary>A new time-ordered (version 7) id, so new rows append to the key index.</summary>
    public static StressTestAttachmentId New() => new(Guid.CreateVersion7());

    static StressTestAttachmentId ITypedId<StressTestAttachmentId>.FromGuid(Guid value) => new(value);

    public override string ToString() => Value.ToString();
}
