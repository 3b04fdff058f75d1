namespace Portico.Web.Features.StressTests;

/// <summary>Why a file was refused before matching; each maps to one problem type of the API.</summary>
public enum StressTestRefusal
{
    None,
    NotXml,
    RestingEcg,
    UnsupportedFormat,
    NotPdf,
    TooLarge,
    Missing,
    StudyNotFound,
    StudyHasStressTest,
    NotStored,
}

/// <summary>A parsed test, or a refusal with a message a person understands (never patient data).</summary>
public sealed record StressTestParseResult(StressTest? Test, StressTestRefusal Refusal, string? Message)
{
    public static StressTestParseResult Parsed(StressTest test) => new(test, StressTestRefusal.None, null);

    public static StressTestParseResult Refused(StressTestRefusal refusal, string message) => new(null, refusal, message);
}
