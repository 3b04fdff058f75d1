using System.Collections.Frozen;
using Portico.Dicom.Dictionary;
using Portico.Index.Studies;

namespace Portico.Ingest.Pipeline;

/// <summary>What a source policy decided for one instance (<see cref="IIngestPolicy"/>).</summary>
public sealed record PolicyDecision
{
    /// <summary>Store the instance as it is.</summary>
    public static PolicyDecision Accept { get; } = new();

    /// <summary>A user-facing reason to refuse the instance; null to accept it.</summary>
    public string? Refusal { get; init; }

    /// <summary>
    /// Values written into the stored file's top-level data set in place of what arrived (added when absent), for
    /// example Patient ID. Strings are encoded as the attribute's VR requires; an empty string empties the value.
    /// </summary>
    public IReadOnlyDictionary<DicomTag, string> Replacements { get; init; } = FrozenDictionary<DicomTag, string>.Empty;

    /// <summary>
    /// Top-level attributes removed from the stored file (for example the sender's Other Patient IDs, which would tie a
    /// portal upload to the sender's identifiers). A tag that is also replaced is replaced, not removed.
    /// </summary>
    public IReadOnlyList<DicomTag> Removals { get; init; } = [];

    /// <summary>Labels the instance's study gets (when missing) as the instance is indexed.</summary>
    public IReadOnlyList<string> StudyLabels { get; init; } = [];

    /// <summary>The workflow status a study created by this instance starts in; null for the usual <c>New</c>.</summary>
    public WorkflowStatus? StudyStatus { get; init; }

    public static PolicyDecision Refuse(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new PolicyDecision { Refusal = reason };
    }
}
