namespace Portico.Web.Features.Scanning;

/// <summary>What a scan found.</summary>
public enum ScanVerdict
{
    /// <summary>Nothing found.</summary>
    Clean,

    /// <summary>Malware found: <see cref="ScanResult.Signature"/> names it. The file must never be ingested.</summary>
    Infected,

    /// <summary>The scanner could not say (down, timed out, refused the stream): the file waits and is scanned again.</summary>
    Unavailable,
}

/// <summary>The answer for one scanned stream.</summary>
/// <param name="Signature">The signature name when infected.</param>
/// <param name="Detail">Why the scanner could not say, when unavailable.</param>
/// <param name="TooLarge">Unavailable because the stream is over clamd's size limit (<c>StreamMaxLength</c>): scanning it again will not help.</param>
public sealed record ScanResult(ScanVerdict Verdict, string? Signature = null, string? Detail = null, bool TooLarge = false)
{
    public static ScanResult Clean { get; } = new(ScanVerdict.Clean);
}
