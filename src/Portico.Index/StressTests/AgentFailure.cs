using Portico.Index.Access;

namespace Portico.Index.StressTests;

/// <summary>
/// A pair the watch-folder agent moved to its <c>failed/&lt;timestamp&gt;/</c> folder, as the agent reported it. Staff see
/// it in the upload indicator; <em>Retry</em> sets <see cref="RetryRequestedAt"/>, the agent then moves the files back into
/// its watch folder, sends them again and marks the failure <see cref="ResolvedAt"/>.
/// </summary>
public sealed class AgentFailure
{
    public AgentFailureId Id { get; set; } = AgentFailureId.New();

    /// <summary>The agent's API key: only that agent is asked to retry.</summary>
    public ApiKeyId ApiKeyId { get; set; }

    /// <summary>The agent's name (its API key's name) when the failure was reported.</summary>
    public string AgentName { get; set; } = "";

    /// <summary>The failed folder, relative to the watch folder (<c>failed/20261206T101500Z</c>).</summary>
    public string Folder { get; set; } = "";

    /// <summary>The files moved there, comma separated (<c>test1.xml, test1.pdf</c>).</summary>
    public string Files { get; set; } = "";

    /// <summary>What the agent wrote to error.log.</summary>
    public string Reason { get; set; } = "";

    public DateTime FailedAt { get; set; }

    public DateTime? RetryRequestedAt { get; set; }

    /// <summary>E-mail of the user who asked for the retry.</summary>
    public string? RetryRequestedBy { get; set; }

    /// <summary>When the agent took the files back for another attempt; resolved failures are no longer listed.</summary>
    public DateTime? ResolvedAt { get; set; }
}
