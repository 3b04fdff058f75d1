using System.Net;
using Portico.Tests.Shared;

namespace Portico.Dicom.Network.Tests.Scu;

/// <summary>
/// The DCMTK peers the tests start have no option for the address they listen on; with scripts/loopback-bind.c preloaded
/// (<see cref="LoopbackOnly"/>) they listen on 127.0.0.1 and nowhere else.
/// </summary>
public sealed class LoopbackPeerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Storescp_listens_on_loopback_only()
    {
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct);

        Assert.Equal([IPAddress.Loopback], LoopbackOnly.ListeningAddresses(scp.Port));
    }

    [Fact]
    public async Task Dcmqrscp_listens_on_loopback_only()
    {
        await using DcmtkScp scp = await DcmtkScp.StartQueryRetrieveScpAsync("NOWHERE", 1, Ct);

        Assert.Equal([IPAddress.Loopback], LoopbackOnly.ListeningAddresses(scp.Port));
    }
}
