namespace Portico.Web.Features.StressTests;

/// <summary>A study's stress test as the study page and <c>GET /api/studies/{uid}/stress-test</c> show it.</summary>
public sealed record StressTestSummary
{
    public required string StudyInstanceUid { get; init; }

    public required string Vendor { get; init; }

    public required string XmlFileName { get; init; }

    public required string XmlSha256 { get; init; }

    public long XmlSizeBytes { get; init; }

    public DateTime ImportedAt { get; init; }

    public string ImportedBy { get; init; } = "";

    public string MatchedBy { get; init; } = "";

    /// <summary>The Encapsulated PDF instance (the report, or the generated summary of a study created without one).</summary>
    public string? PdfSopInstanceUid { get; init; }

    public required StressTest Test { get; init; }
}
