using System.Net;
using System.Net.Sockets;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Scu;

namespace Portico.Dicom.Network.Tests.Scu;

/// <summary>DicomClient against an in-process peer that misbehaves: silence, A-ABORT, a dropped connection.</summary>
public sealed class DicomClientFailureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DicomClientOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        CalledAETitle = "PEER",
        ArtimTimeout = TimeSpan.FromMilliseconds(300),
        ResponseTimeout = TimeSpan.FromMilliseconds(300),
    };

    [Fact]
    public async Task ConnectAsync_PeerNeverAnswers_ThrowsTimeoutException()
    {
        await using var peer = new Peer();
        Task serve = peer.ServeAsync(async (reader, writer) =>
        {
            Assert.IsType<AssociateRequestPdu>(await reader.ReadAsync(Ct));
            Assert.Null(await reader.ReadAsync(Ct)); // silent until the client gives up and closes
        });

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => DicomClient.ConnectAsync(Options(peer.Port), [DicomClient.VerificationContext], Ct));

        Assert.Contains("did not answer the association request", ex.Message, StringComparison.Ordinal);
        await serve;
    }

    [Fact]
    public async Task EchoAsync_NoResponse_ThrowsTimeoutAndDisposeSendsAbort()
    {
        await using var peer = new Peer();
        Pdu? afterEcho = null;
        Task serve = peer.ServeAsync(async (reader, writer) =>
        {
            await AcceptAsync(reader, writer);
            Assert.IsType<PDataTfPdu>(await reader.ReadAsync(Ct)); // the C-ECHO-RQ, left unanswered
            afterEcho = await reader.ReadAsync(Ct);
        });

        DicomClientAssociation association = await DicomClient.ConnectAsync(Options(peer.Port), [DicomClient.VerificationContext], Ct);
        await Assert.ThrowsAsync<TimeoutException>(() => association.EchoAsync(Ct));
        Assert.False(association.IsUsable);
        await Assert.ThrowsAsync<InvalidOperationException>(() => association.EchoAsync(Ct));
        await association.DisposeAsync();

        await serve;
        Assert.Equal(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified), afterEcho);
    }

    [Fact]
    public async Task EchoAsync_PeerAborts_ThrowsAbortedWithSourceAndReason()
    {
        await using var peer = new Peer();
        Task serve = peer.ServeAsync(async (reader, writer) =>
        {
            await AcceptAsync(reader, writer);
            await reader.ReadAsync(Ct);
            await writer.WriteAsync(new AbortPdu(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu), Ct);
        });

        await using DicomClientAssociation association = await DicomClient.ConnectAsync(Options(peer.Port), [DicomClient.VerificationContext], Ct);
        var ex = await Assert.ThrowsAsync<DicomAssociationAbortedException>(() => association.EchoAsync(Ct));

        Assert.Equal(AbortSource.ServiceProvider, ex.AbortSource);
        Assert.Equal(AbortReason.UnexpectedPdu, ex.AbortReason);
        Assert.False(association.IsUsable);
        await serve;
    }

    [Fact]
    public async Task DisposeAsync_HealthyAssociation_SendsReleaseRequestAndWaitsForTheResponse()
    {
        await using var peer = new Peer();
        Pdu? received = null;
        Task serve = peer.ServeAsync(async (reader, writer) =>
        {
            await AcceptAsync(reader, writer);
            received = await reader.ReadAsync(Ct);
            await writer.WriteAsync(ReleaseResponsePdu.Instance, Ct);
        });

        DicomClientAssociation association = await DicomClient.ConnectAsync(Options(peer.Port), [DicomClient.VerificationContext], Ct);
        Assert.Equal(16384u, association.PeerMaxPduLength);
        await association.DisposeAsync();

        await serve;
        Assert.IsType<ReleaseRequestPdu>(received);
        Assert.False(association.IsUsable);
    }

    private static async Task AcceptAsync(PduReader reader, PduWriter writer)
    {
        var request = Assert.IsType<AssociateRequestPdu>(await reader.ReadAsync(Ct));
        Assert.Equal("PEER", request.CalledAETitle);
        Assert.Equal(DicomNetworkLimits.Default.MaxPduLength, request.UserInformation.MaxPduLength);
        await writer.WriteAsync(
            new AssociateAcceptPdu(
                request.CalledAETitle,
                request.CallingAETitle,
                [new PresentationContextAccept(1, PresentationContextResult.Acceptance, "1.2.840.10008.1.2.1")],
                new UserInformation { MaxPduLength = 16384, ImplementationClassUid = "1.2.3.4" }),
            Ct);
    }

    /// <summary>A one-connection peer on 127.0.0.1, port 0.</summary>
    private sealed class Peer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public Peer() => _listener.Start();

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public async Task ServeAsync(Func<PduReader, PduWriter, Task> script)
        {
            using TcpClient client = await _listener.AcceptTcpClientAsync(Ct);
            await using NetworkStream stream = client.GetStream();
            using var reader = new PduReader(stream);
            await script(reader, new PduWriter(stream));
        }

        public ValueTask DisposeAsync()
        {
            _listener.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
