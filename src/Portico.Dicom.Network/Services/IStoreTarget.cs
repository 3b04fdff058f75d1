namespace Portico.Dicom.Network.Services;

/// <summary>
/// Receives one C-STORE data set as its PDVs arrive (never assembled in memory). The host calls
/// <see cref="WriteAsync"/> for each fragment in order, then <see cref="CompleteAsync"/> once the last one arrived, and
/// always disposes it; disposing without completing (abort, connection lost) must discard everything written.
/// </summary>
public interface IStoreTarget : IAsyncDisposable
{
    /// <summary>Data set bytes (no file meta information), in the request's transfer syntax. The memory is only valid during the call.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>All bytes arrived: store durably and give the C-STORE-RSP status (success only once durable).</summary>
    ValueTask<DimseResult> CompleteAsync(CancellationToken cancellationToken);
}
