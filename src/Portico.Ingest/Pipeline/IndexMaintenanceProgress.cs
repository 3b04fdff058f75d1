namespace Portico.Ingest.Pipeline;

/// <summary>Progress of a long <see cref="IndexMaintenance"/> phase: how many items of <see cref="Total"/> (when known) are done.</summary>
public sealed record IndexMaintenanceProgress(string Phase, long Done, long? Total);
