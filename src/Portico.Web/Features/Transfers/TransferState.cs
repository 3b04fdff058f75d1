namespace Portico.Web.Features.Transfers;

/// <summary>Where a study transfer to another PACS stands.</summary>
public enum TransferState
{
    Queued,
    Running,

    /// <summary>Waiting before the next attempt (the destination was unreachable or some instances failed).</summary>
    Retrying,

    /// <summary>Every instance was accepted by the destination.</summary>
    Completed,

    /// <summary>All attempts made; some instances were not accepted (see the per-instance results).</summary>
    CompletedWithFailures,

    /// <summary>No instance could be sent (destination unreachable, refused the association, or nothing to send).</summary>
    Failed,
}
