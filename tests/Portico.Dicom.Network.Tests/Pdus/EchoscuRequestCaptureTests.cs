using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Tests.Pdus;

/// <summary>Decodes the A-ASSOCIATE-RQ that DCMTK echoscu really sends, captured on a socket we accept ourselves.</summary>
public class EchoscuRequestCaptureTests
{
    [Fact]
    public async Task Decode_EchoscuAssociateRequest_HasExpectedFields()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<(int ExitCode, string Output)> echo = Dcmtk.RunAsync("echoscu", ["-aet", "CAPTURESCU", "-aec", "PORTICO", "-pdu", "16384", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct);

        using Socket socket = await listener.AcceptSocketAsync(ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        byte[] header = new byte[6];
        await stream.ReadExactlyAsync(header, ct);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2));
        Assert.Equal(0x01, header[0]);
        Assert.InRange(length, 68u, 4096u);
        byte[] body = new byte[length];
        await stream.ReadExactlyAsync(body, ct);

        var rq = Assert.IsType<AssociateRequestPdu>(PduDecoder.Decode(PduType.AssociateRequest, body));
        Assert.Equal("PORTICO", rq.CalledAETitle);
        Assert.Equal("CAPTURESCU", rq.CallingAETitle);
        Assert.Equal(1, rq.ProtocolVersion);
        Assert.Equal(AssociateRequestPdu.DicomApplicationContextName, rq.ApplicationContextName);
        PresentationContextRequest pc = Assert.Single(rq.PresentationContexts);
        Assert.Equal("1.2.840.10008.1.1", pc.AbstractSyntax);
        Assert.Contains("1.2.840.10008.1.2", pc.TransferSyntaxes);
        Assert.Equal(16384u, rq.UserInformation.MaxPduLength);
        Assert.False(string.IsNullOrEmpty(rq.UserInformation.ImplementationClassUid));
        Assert.StartsWith("1.2.276.0.7230010.3", rq.UserInformation.ImplementationClassUid, StringComparison.Ordinal); // DCMTK's root
        Assert.False(string.IsNullOrEmpty(rq.UserInformation.ImplementationVersionName));

        // Re-encoding gives DCMTK's bytes back except reserved bytes (DCMTK sends 0xFF in a reserved byte
        // of the presentation context item; PS3.8 says reserved fields are not tested), and is stable.
        byte[] reencoded = PduEncoder.Encode(rq);
        Assert.Equal(header.Length + body.Length, reencoded.Length);
        Assert.Equal(reencoded, PduEncoder.Encode(PduDecoder.Decode(PduType.AssociateRequest, reencoded.AsSpan(6))));

        // Let echoscu go: reject it.
        await stream.WriteAsync(PduEncoder.Encode(new AssociateRejectPdu(RejectResult.RejectedPermanent, RejectReason.UserNoReasonGiven)), ct);
        var (exit, _) = await echo;
        Assert.NotEqual(0, exit);
    }
}
