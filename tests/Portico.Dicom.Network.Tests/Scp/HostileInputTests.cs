using System.Buffers.Binary;
using Portico.Dicom.Network.Scp;

namespace Portico.Dicom.Network.Tests.Scp;

/// <summary>Garbage and lying lengths over a raw socket: each ends in A-ABORT or a close, and the server keeps serving.</summary>
public class HostileInputTests
{
    private static readonly byte[] AbortPrefix = [0x07, 0, 0, 0, 0, 4];

    public static TheoryData<string, string> Cases => new()
    {
        { "garbage", "UnknownPduType" },
        { "header-4GB", "PduTooLong" },
        { "truncated-rq", "ARTIM" },
        { "item-overrun", "LengthOverrun" },
        { "pdata-before-rq", "UnexpectedPdu" },
        { "wrong-context", "Malformed" },
    };

    private static byte[] Payload(string name)
    {
        byte[] rq = RawPeer.EchoAssociateRequest();
        switch (name)
        {
            case "garbage":
                return "\x16\x03\x01 not DICOM at all, e.g. a TLS hello or an HTTP request"u8.ToArray();
            case "header-4GB":
                return [0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01];
            case "truncated-rq":
                return rq[..(rq.Length / 2)];
            case "item-overrun":
                BinaryPrimitives.WriteUInt16BigEndian(rq.AsSpan(76), 0x7000);
                return rq;
            case "pdata-before-rq":
                return [0x04, 0, 0, 0, 0, 6, 0, 0, 0, 2, 1, 3];
            default:
                return [.. rq, 0x04, 0, 0, 0, 0, 6, 0, 0, 0, 2, 9, 3];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileInput_EndsInAbortOrClose_AndServerKeepsServing(string name, string expectedReason)
    {
        await using var server = new RunningServer(new DicomServerOptions { ArtimTimeout = TimeSpan.FromSeconds(2) });
        using (var peer = await RawPeer.ConnectAsync(server.Port))
        {
            await peer.SendAsync(Payload(name));
            if (name == "truncated-rq")
            {
                // The rest never comes: the server waits for the body until ARTIM expires, then closes.
                byte[] answer = await peer.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
                Assert.Empty(answer);
            }
            else
            {
                byte[] answer = await peer.ReadPduAsync();
                if (name == "wrong-context")
                {
                    Assert.Equal(0x02, answer[0]); // A-ASSOCIATE-AC first
                    answer = await peer.ReadPduAsync();
                }
                // A-ABORT, source 2 (service provider), with a PS3.8 reason; then we close and so does the server.
                Assert.True(answer.AsSpan().StartsWith(AbortPrefix), $"answer: {Convert.ToHexString(answer)}");
                Assert.Equal(2, answer[8]);
            }
        }
        AssociationRecord record = await server.NextRecordAsync();
        if (expectedReason == "ARTIM")
        {
            Assert.Equal(AssociationOutcome.ArtimExpired, record.Outcome);
        }
        else
        {
            Assert.Equal(AssociationOutcome.AbortedByServer, record.Outcome);
            Assert.StartsWith(expectedReason + ":", record.Detail, StringComparison.Ordinal);
        }

        var (exit, output) = await Dcmtk.EchoAsync(server.Port, "PORTICO", TestContext.Current.CancellationToken);
        Assert.True(exit == 0, output);
        // echoscu exits on the A-RELEASE-RP; the slot is given back when its connection closes, a moment later.
        for (int i = 0; i < 200 && server.Server.ActiveAssociations > 0; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, server.Server.ActiveAssociations);
    }

    [Fact]
    public async Task UnsupportedCommand_GetsFailureStatus_NotAbort()
    {
        await using var server = new RunningServer();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPeer.EchoAssociateRequest());
        Assert.Equal(0x02, (await peer.ReadPduAsync())[0]);
        var command = Network.Dimse.EchoMessages.CreateRequest(5);
        command.CommandField = Network.Dimse.DimseCommandField.CFindRq;
        byte[] bytes = command.Encode();
        await peer.SendAsync(Network.Pdus.PduEncoder.Encode(new Network.Pdus.PDataTfPdu([new Network.Pdus.PresentationDataValue(1, true, true, bytes)])));
        byte[] response = await peer.ReadPduAsync();
        var pdata = Assert.IsType<Network.Pdus.PDataTfPdu>(Network.Pdus.PduDecoder.Decode(Network.Pdus.PduType.PData, response.AsSpan(6)));
        var rsp = Network.Dimse.CommandSet.Decode(pdata.Values[0].Data.Span);
        Assert.Equal(Network.Dimse.DimseStatus.UnrecognizedOperation, rsp.GetUInt16(Network.Dimse.CommandElement.Status));
        Assert.Equal(5, rsp.GetUInt16(Network.Dimse.CommandElement.MessageIdBeingRespondedTo));
        await peer.SendAsync(Network.Pdus.PduEncoder.Encode(Network.Pdus.ReleaseRequestPdu.Instance));
        Assert.Equal(0x06, (await peer.ReadPduAsync())[0]);
    }

    [Fact]
    public async Task CommandWithDataSet_Fragmented_IsDiscardedAndAnswered_ThenEchoStillWorks()
    {
        await using var server = new RunningServer();
        using var peer = await RawPeer.ConnectAsync(server.Port);
        await peer.SendAsync(RawPeer.EchoAssociateRequest());
        Assert.Equal(0x02, (await peer.ReadPduAsync())[0]);

        var store = Network.Dimse.EchoMessages.CreateRequest(9);
        store.CommandField = Network.Dimse.DimseCommandField.CStoreRq;
        store.SetUInt16(Network.Dimse.CommandElement.CommandDataSetType, 0x0000);
        byte[] command = store.Encode();
        // The command in two PDVs, then the data set in two PDUs.
        await peer.SendAsync(Network.Pdus.PduEncoder.Encode(new Network.Pdus.PDataTfPdu(
        [
            new Network.Pdus.PresentationDataValue(1, true, false, command.AsMemory(0, 10)),
            new Network.Pdus.PresentationDataValue(1, true, true, command.AsMemory(10)),
            new Network.Pdus.PresentationDataValue(1, false, false, new byte[100]),
        ])));
        await peer.SendAsync(Network.Pdus.PduEncoder.Encode(new Network.Pdus.PDataTfPdu([new Network.Pdus.PresentationDataValue(1, false, true, new byte[50])])));
        var rsp = ReadCommand(await peer.ReadPduAsync());
        Assert.Equal(0x8001, rsp.GetUInt16(Network.Dimse.CommandElement.CommandField));
        Assert.Equal(Network.Dimse.DimseStatus.UnrecognizedOperation, rsp.GetUInt16(Network.Dimse.CommandElement.Status));
        Assert.False(string.IsNullOrEmpty(rsp.GetString(Network.Dimse.CommandElement.ErrorComment)));

        await peer.SendAsync(Network.Pdus.PduEncoder.Encode(new Network.Pdus.PDataTfPdu([new Network.Pdus.PresentationDataValue(1, true, true, Network.Dimse.EchoMessages.CreateRequest(10).Encode())])));
        var echo = ReadCommand(await peer.ReadPduAsync());
        Assert.Equal(Network.Dimse.DimseStatus.Success, echo.GetUInt16(Network.Dimse.CommandElement.Status));
        Assert.Equal(10, echo.GetUInt16(Network.Dimse.CommandElement.MessageIdBeingRespondedTo));

        await peer.SendAsync(Network.Pdus.PduEncoder.Encode(Network.Pdus.ReleaseRequestPdu.Instance));
        Assert.Equal(0x06, (await peer.ReadPduAsync())[0]);
        AssociationRecord record = await server.NextRecordAsync();
        Assert.Equal(AssociationOutcome.Released, record.Outcome);
        Assert.Equal(1, record.EchoCount);
    }

    private static Network.Dimse.CommandSet ReadCommand(byte[] pdu)
    {
        var pdata = Assert.IsType<Network.Pdus.PDataTfPdu>(Network.Pdus.PduDecoder.Decode(Network.Pdus.PduType.PData, pdu.AsSpan(6)));
        var pdv = Assert.Single(pdata.Values);
        Assert.True(pdv.IsCommand && pdv.IsLast);
        return Network.Dimse.CommandSet.Decode(pdv.Data.Span);
    }
}
