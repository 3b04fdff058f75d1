using System.Collections.Concurrent;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// One lock per portal session, so concurrent requests and files of one session agree: the size and attachment
/// checks at upload creation, and the original → new identifier mapping while files are ingested.
/// </summary>
public sealed class PortalSessionLocks
{
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _locks = new();

    public async Task<IDisposable> EnterAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
