using Portico.Dicom.Data;

namespace Portico.Dicom.Network.Services;

/// <summary>
/// What the SCP host needs from the server behind it (Portico.Web implements it over the ingest pipeline and the
/// index). The host does the DIMSE framing, status codes and C-CANCEL; a method may throw
/// <see cref="DimseServiceException"/> to fail one request with a given status. Cancellation tokens are cancelled by
/// C-CANCEL, by an abort and by server shutdown.
/// </summary>
public interface IDimseServiceProvider
{
    /// <summary>C-STORE: where the data set goes.</summary>
    ValueTask<IStoreTarget> BeginStoreAsync(StoreRequest request, CancellationToken cancellationToken);

    /// <summary>C-FIND: the matches, each a data set with the requested return keys (the host sends one pending response per match).</summary>
    IAsyncEnumerable<DicomDataset> FindAsync(QueryRequest request, CancellationToken cancellationToken);

    /// <summary>C-GET: the instances to send back on the same association.</summary>
    IAsyncEnumerable<RetrieveItem> RetrieveAsync(QueryRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// C-MOVE: sends the matching instances to <see cref="QueryRequest.MoveDestination"/> (over its own association,
    /// opened by the provider) and reports progress after each sub-operation; the host turns each report into a pending
    /// response and the last one into the final response. Throw <see cref="DimseServiceException"/> with 0xA801 for an
    /// unknown destination.
    /// </summary>
    IAsyncEnumerable<RetrieveProgress> MoveAsync(QueryRequest request, CancellationToken cancellationToken);
}
