using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Portico.Dicom.Network.Services;

namespace Portico.Dicom.Network.Scp;

/// <summary>
/// A DICOM SCP on a TCP port, plain or TLS: one <see cref="AssociationHost"/> per connection, a cap on concurrent
/// associations, and an <see cref="AssociationEnded"/> report for every connection, accepted or refused.
/// </summary>
public sealed class DicomServer : IAsyncDisposable
{
    private static long s_nextAssociationId;
    private readonly DicomServerOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private readonly AssociationSlots _slots;
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
        _slots = options.Slots ?? new AssociationSlots(options.MaxConcurrentAssociations);
    }

    /// <summary>Raised once per connection when it ends, from the connection's task. Handlers must not throw.</summary>
    public event Action<AssociationRecord>? AssociationEnded;

    /// <summary>The port actually bound (useful with port 0).</summary>
    public int Port => (_listener?.LocalEndpoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Associations accepted on this server and not yet ended.</summary>
    public int ActiveAssociations => Volatile.Read(ref _activeAssociations);

    /// <summary>Open connections, associated or not.</summary>
    public int OpenConnections => _connections.Count;

    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }
        _listener = new TcpListener(_options.Address, _options.Port);
        if (_options.Address.Equals(IPAddress.IPv6Any))
        {
            _listener.Server.DualMode = true;
        }
        _listener.Start(backlog: 512);
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
            long id = Interlocked.Increment(ref s_nextAssociationId);
            _connections[id] = Task.Run(() => RunConnectionAsync(id, socket, cancellationToken), CancellationToken.None);
        }
    }

    private async Task RunConnectionAsync(long id, Socket socket, CancellationToken cancellationToken)
    {
        var connection = new Connection(id, socket, _options.TimeProvider.GetUtcNow(), _options.TimeProvider.GetTimestamp());
        AssociationRecord record;
        try
        {
            socket.NoDelay = true;
            record = await ServeConnectionAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            // Loop top for one connection: a bug here must not take the server down.
            record = connection.Record(_options.TimeProvider) with
            {
                Outcome = cancellationToken.IsCancellationRequested ? AssociationOutcome.ServerStopped : AssociationOutcome.ConnectionLost,
                Detail = ex.GetType().Name + ": " + ex.Message,
            };
        }
        // The slot and the socket are given back before anyone hears that the association ended.
        if (connection.Host?.HoldsSlot == true)
        {
            Interlocked.Decrement(ref _activeAssociations);
            _slots.Release();
        }
        socket.Dispose();
        _connections.TryRemove(id, out _);
        AssociationEnded?.Invoke(record);
    }

    private async Task<AssociationRecord> ServeConnectionAsync(Connection connection, CancellationToken cancellationToken)
    {
        var network = new NetworkStream(connection.Socket, ownsSocket: true);
        await using (network.ConfigureAwait(false))
        {
            if (_options.Tls is not { } tlsOptions)
            {
                connection.Host = new AssociationHost(network, connection.Remote, connection.LocalPort, TransportSecurity.None, null, _options, connection.Id, TryTakeSlot);
                await using (connection.Host.ConfigureAwait(false))
                {
                    return await connection.Host.RunAsync(connection.StartedAt, connection.StartedTimestamp, cancellationToken).ConfigureAwait(false);
                }
            }
            (SslStream? tls, X509Certificate2? certificate, string? failure) =
                await HandshakeAsync(network, tlsOptions, cancellationToken).ConfigureAwait(false);
            if (tls is null)
            {
                return connection.Record(_options.TimeProvider) with
                {
                    Security = TransportSecurity.TlsAnonymous,
                    Outcome = AssociationOutcome.TlsFailed,
                    Detail = failure,
                };
            }
            await using (tls.ConfigureAwait(false))
            using (certificate)
            {
                TransportSecurity security = certificate is null ? TransportSecurity.TlsAnonymous : TransportSecurity.TlsClientCertificate;
                connection.Host = new AssociationHost(tls, connection.Remote, connection.LocalPort, security, certificate, _options, connection.Id, TryTakeSlot);
                await using (connection.Host.ConfigureAwait(false))
                {
                    return await connection.Host.RunAsync(connection.StartedAt, connection.StartedTimestamp, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private sealed class Connection(long id, Socket socket, DateTimeOffset startedAt, long startedTimestamp)
    {
        public long Id { get; } = id;

        public Socket Socket { get; } = socket;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public long StartedTimestamp { get; } = startedTimestamp;

        public IPEndPoint? Remote { get; } = socket.RemoteEndPoint as IPEndPoint;

        public int LocalPort { get; } = (socket.LocalEndPoint as IPEndPoint)?.Port ?? 0;

        public AssociationHost? Host { get; set; }

        public AssociationRecord Record(TimeProvider time) => new()
        {
            AssociationId = Id,
            StartedAt = StartedAt,
            Duration = time.GetElapsedTime(StartedTimestamp),
            RemoteEndPoint = Remote,
            LocalPort = LocalPort,
        };
    }

    /// <summary>
    /// The TLS handshake. A client certificate is requested but not required: without one the connection is anonymous
    /// TLS, and the association policy decides whether that identity may use it. A certificate that does not chain to
    /// <see cref="DicomTlsOptions.ClientCertificateAuthority"/> fails the handshake (PS3.15 annex B.1: the peer is not
    /// authenticated); the association record says why, with the certificate's subject (no AE title is known yet).
    /// </summary>
    private static async Task<(SslStream? Tls, X509Certificate2? Certificate, string? Failure)> HandshakeAsync(
        NetworkStream network, DicomTlsOptions tls, CancellationToken cancellationToken)
    {
        string? problem = null;
        var ssl = new SslStream(network, leaveInnerStreamOpen: true);
        var authentication = new SslServerAuthenticationOptions
        {
            ServerCertificate = tls.ServerCertificate,
            ClientCertificateRequired = true,
            EnabledSslProtocols = tls.Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                // No certificate: anonymous TLS, which the association policy allows or refuses per identity.
                problem = certificate is null ? null : ChainProblem(certificate, tls.ClientCertificateAuthority);
                return problem is null;
            },
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(tls.HandshakeTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(authentication, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            string why = ex is OperationCanceledException ? $"no TLS handshake within {tls.HandshakeTimeout} (a plain DICOM client on the TLS port?)"
                : problem ?? $"TLS handshake failed: {ex.Message}";
            return (null, null, why);
        }
        X509Certificate2? presented = ssl.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
        return (ssl, presented, null);
    }

    private static string? ChainProblem(X509Certificate certificate, X509Certificate2 authority)
    {
        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (chain.Build(leaf))
        {
            return null;
        }
        string status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"client certificate '{leaf.Subject}' is not issued by Portico's DICOM CA ({status})";
    }

    private bool TryTakeSlot()
    {
        if (!_slots.TryTake())
        {
            return false;
        }

        Interlocked.Increment(ref _activeAssociations);
        return true;
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
