using Portico.Dicom.Network.Scp;

namespace Portico.Dicom.Network.Tests.Scp;

public class ArtimTests
{
    [Fact]
    public async Task SilentConnection_IsClosedAfterArtimTimeout()
    {
        await using var server = new RunningServer(new DicomServerOptions { ArtimTimeout = TimeSpan.FromMilliseconds(500) });
        using var peer = await RawPeer.ConnectAsync(server.Port);
        var started = System.Diagnostics.Stopwatch.StartNew();
        byte[] received = await peer.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(received);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(8));
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(AssociationOutcome.ArtimExpired, record.Outcome);
    }

    [Fact]
    public async Task IdleAssociation_IsAbortedAfterIdleTimeout()
    {
        await using var server = new RunningServer(new DicomServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(500) });
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPeer.EchoAssociateRequest());
        Assert.Equal(0x02, (await peer.ReadPduAsync())[0]);
        byte[] rest = await peer.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new byte[] { 0x07, 0, 0, 0, 0, 4, 0, 0, 2, 0 }, rest);
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(AssociationOutcome.IdleTimeout, record.Outcome);
        Assert.Equal(0, server.Server.ActiveAssociations);
    }

    [Fact]
    public async Task DisposingServer_AbortsEstablishedAssociation_AndReturns()
    {
        var server = new RunningServer();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPeer.EchoAssociateRequest());
        Assert.Equal(0x02, (await peer.ReadPduAsync())[0]);
        Task dispose = server.DisposeAsync().AsTask();
        Assert.Same(dispose, await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)));
        await dispose;
        byte[] rest = await peer.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new byte[] { 0x07, 0, 0, 0, 0, 4, 0, 0, 2, 0 }, rest);
        Assert.Equal(AssociationOutcome.ServerStopped, Assert.Single(server.Records).Outcome);
    }
}
