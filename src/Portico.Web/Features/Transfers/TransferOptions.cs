namespace Portico.Web.Features.Transfers;

/// <summary>Study transfers to another PACS (<c>Portico:Transfers</c>).</summary>
public sealed class TransferOptions
{
    public const string Section = "Portico:Transfers";

    /// <summary>Attempts per job before it ends with failures. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the second attempt; doubled for each further one. Default 10 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Jobs running at once (each is one association). Default 2.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>Finished jobs kept in memory for the API (the audit log keeps every result for good). Default 500.</summary>
    public int KeepFinished { get; set; } = 500;

    /// <summary>Our calling AE title towards other PACS; default: Portico's own AE title.</summary>
    public string? CallingAETitle { get; set; }
}
