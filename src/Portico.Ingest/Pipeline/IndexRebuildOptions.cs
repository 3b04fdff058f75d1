namespace Portico.Ingest.Pipeline;

/// <summary>How <see cref="IndexMaintenance.RebuildAsync"/> rebuilds.</summary>
/// <param name="FromScratch">
/// Wipe patients, studies, series and instances (labels on studies and workflow status with them) and index every
/// blob again: the recovery path for a lost index. Users, roles, API keys, label definitions and the audit log stay.
/// </param>
/// <param name="VerifyHashes">
/// Read every referenced blob and compare its SHA-256 with its key, so a blob whose bytes changed is found even when
/// its length did not. Without it, only blobs whose length differs from their row are hashed. Blobs being indexed are
/// always hashed.
/// </param>
public sealed record IndexRebuildOptions(bool FromScratch = false, bool VerifyHashes = false);
