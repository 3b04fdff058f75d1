using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Tests.Scp;

/// <summary>A raw TCP peer for hostile-input tests.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawPeer(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        return new RawPeer(client);
    }

    public static byte[] EchoAssociateRequest() => PduEncoder.Encode(new AssociateRequestPdu(
        "PORTICO",
        "RAWPEER",
        [new PresentationContextRequest(1, "1.2.840.10008.1.1", ["1.2.840.10008.1.2"])],
        new UserInformation { MaxPduLength = 16384, ImplementationClassUid = "1.2.3.4" }));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes, TestContext.Current.CancellationToken);

    /// <summary>Reads one PDU (header + body), failing after 10 s.</summary>
    public async Task<byte[]> ReadPduAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        byte[] header = new byte[6];
        await _stream.ReadExactlyAsync(header, timeout.Token);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2));
        Assert.True(length < 1024 * 1024);
        byte[] pdu = new byte[6 + length];
        header.CopyTo(pdu, 0);
        await _stream.ReadExactlyAsync(pdu.AsMemory(6), timeout.Token);
        return pdu;
    }

    /// <summary>Reads everything until the server closes; fails if it stays open longer than <paramref name="within"/>.</summary>
    public async Task<byte[]> ReadUntilClosedAsync(TimeSpan within)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(within);
        using var all = new MemoryStream();
        byte[] buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                all.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // Reset by the server after it closed: also closed.
        }
        return all.ToArray();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
