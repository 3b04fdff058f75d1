namespace Portico.Ingest.Zip;

/// <summary>The outcome of walking one uploaded ZIP archive.</summary>
/// <param name="Entries">
/// One report per entry handled, in archive order, nested archives' entries right after the nested archive.
/// When the walk was refused part-way, the entries handled before the refusal and the entry that caused it.
/// </param>
/// <param name="Refused">
/// True when the archive was refused as a whole (not a ZIP archive, or a limit for the whole archive passed):
/// the entries after the refusal were not read.
/// </param>
/// <param name="RefusalReason">Why, in words a hospital user can read; null unless <paramref name="Refused"/>.</param>
public sealed record ZipWalkResult(IReadOnlyList<ZipEntryReport> Entries, bool Refused, string? RefusalReason);
