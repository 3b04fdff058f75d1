using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Portico.Dicom.Network.Scp;

/// <summary>
/// A DICOM SCP on a TCP port: one <see cref="AssociationHost"/> per connection, a cap on concurrent
/// associations, and an <see cref="AssociationEnded"/> report for every connection.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private readonly DicomServerOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private int _nextConnectionId;
    private int _activeAssociations;

    public DicomServer(DicomServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!AETitle.IsValid(options.AETitle))
        {
            throw new ArgumentException($"'{options.AETitle}' is not a valid AE title.", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxConcurrentAssociations);
        _options = options;
    }

    /// <summary>Raised once per connection when it ends, from the connection's task. Handlers must not throw.</summary>
    public event Action<AssociationRecord>? AssociationEnded;

    /// <summary>The port actually bound (useful with port 0).</summary>
    public int Port => (_listener?.LocalEndpoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The server is not started.");

    public int ActiveAssociations => Volatile.Read(ref _activeAssociations);

    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }
        _listener = new TcpListener(_options.Address, _options.Port);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // A connection reset before accept completes; keep listening.
            }
            int id = Interlocked.Increment(ref _nextConnectionId);
            _connections[id] = Task.Run(() => RunConnectionAsync(id, socket, cancellationToken), CancellationToken.None);
        }
    }

    private async Task RunConnectionAsync(int id, Socket socket, CancellationToken cancellationToken)
    {
        AssociationHost? host = null;
        AssociationRecord record;
        try
        {
            socket.NoDelay = true;
            EndPoint? remote = socket.RemoteEndPoint;
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            host = new AssociationHost(stream, remote, _options, TryTakeSlot);
            record = await host.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            record = new AssociationRecord { Outcome = AssociationOutcome.ServerStopped };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Loop top for one connection: a bug here must not take the server down.
            record = new AssociationRecord { Outcome = AssociationOutcome.ConnectionLost, Detail = ex.GetType().Name + ": " + ex.Message };
        }
        finally
        {
            // The slot and the socket are given back before anyone hears that the association ended.
            if (host?.HoldsSlot == true)
            {
                Interlocked.Decrement(ref _activeAssociations);
            }
            socket.Dispose();
            _connections.TryRemove(id, out _);
        }
        AssociationEnded?.Invoke(record);
    }

    private bool TryTakeSlot()
    {
        if (Interlocked.Increment(ref _activeAssociations) <= _options.MaxConcurrentAssociations)
        {
            return true;
        }
        Interlocked.Decrement(ref _activeAssociations);
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _listener?.Dispose();
        _stopping.Dispose();
    }
}
