namespace Portico.Web.Features.StressTests;

/// <summary>Stress-test intake (<c>Portico:StressTests</c>): size caps and the matching rule's settings (FORMATS.md §4).</summary>
public sealed class StressTestOptions
{
    public const string Section = "Portico:StressTests";

    /// <summary>Largest XML accepted: 64 MB (exports carry the whole recording as text; FORMATS.md §1.1.4).</summary>
    public long MaxXmlBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest PDF report accepted: 64 MB.</summary>
    public long MaxPdfBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How far the test start may be from the echo's Study Date/Time (§4.3): 12 hours.</summary>
    public TimeSpan MatchWindow { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Match by name and birth date even when both Patient IDs are present and differ (§4.2.2). Off.</summary>
    public bool AllowDemographicFallbackWhenIdsDiffer { get; set; }

    /// <summary>Attach to the one candidate matched by name and birth date only (§4.4). On.</summary>
    public bool AutoAttachOnDemographicMatch { get; set; } = true;
}
