namespace Portico.Web.Features.StressTests;

/// <summary>What an import did (FORMATS.md §4.4).</summary>
public enum StressTestOutcome
{
    /// <summary>Attached to an existing study.</summary>
    Attached,

    /// <summary>A new study was created for it.</summary>
    Created,

    /// <summary>The same XML (same SHA-256) was imported before: nothing changed.</summary>
    AlreadyImported,

    /// <summary>Several studies qualify: a person chooses (resubmit with the target study).</summary>
    Ambiguous,

    /// <summary>The Patient ID matches but birth date or sex differ: a person reviews and confirms.</summary>
    Conflict,

    /// <summary>Refused before anything was stored (<see cref="StressTestImportResult.Refusal"/> says why).</summary>
    Refused,
}

/// <summary>The answer to an import: what happened, to which study, or what a person has to decide.</summary>
public sealed record StressTestImportResult
{
    public required StressTestOutcome Outcome { get; init; }

    public string? StudyInstanceUid { get; init; }

    /// <summary>A sentence for people (never logged).</summary>
    public required string Message { get; init; }

    public StressTestRefusal Refusal { get; init; } = StressTestRefusal.None;

    /// <summary>How the study was chosen (Attached, Created).</summary>
    public string? MatchedBy { get; init; }

    public string? PdfSopInstanceUid { get; init; }

    /// <summary>The new study's patient matched no known patient (Created).</summary>
    public bool UnmatchedIdentity { get; init; }

    public IReadOnlyList<StressTestCandidate> Candidates { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static StressTestImportResult Refused(StressTestRefusal refusal, string message) =>
        new() { Outcome = StressTestOutcome.Refused, Refusal = refusal, Message = message };
}
