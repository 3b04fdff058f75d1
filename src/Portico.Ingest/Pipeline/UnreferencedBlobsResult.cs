namespace Portico.Ingest.Pipeline;

/// <summary>What happened to the blobs no instance row pointed to (<see cref="IndexMaintenance.IndexUnreferencedBlobsAsync"/>).</summary>
/// <param name="Examined">Unreferenced blobs found.</param>
/// <param name="Indexed">Indexed through the index committer.</param>
/// <param name="Corrupt">Set aside: their SHA-256 is not their key.</param>
/// <param name="NotDicom">Set aside: not readable as DICOM, or missing a required UID.</param>
/// <param name="Conflicting">Set aside: their SOP Instance UID is already indexed with other content.</param>
public sealed record UnreferencedBlobsResult(int Examined, int Indexed, int Corrupt, int NotDicom, int Conflicting)
{
    /// <summary>Blobs moved to the store's quarantine.</summary>
    public int SetAside => Corrupt + NotDicom + Conflicting;
}
