using Portico.Dicom.Network.Dimse;

namespace Portico.Dicom.Network.Tests.Dimse;

public class CommandSetTests
{
    [Fact]
    public void EchoRequest_EncodesGroupLengthFirst_AndRoundTrips()
    {
        byte[] bytes = EchoMessages.CreateRequest(7).Encode();
        // (0000,0000) UL length 4, value = bytes after it.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 4, 0, 0, 0 }, bytes[..8]);
        Assert.Equal((uint)(bytes.Length - 12), BitConverter.ToUInt32(bytes, 8));
        CommandSet decoded = CommandSet.Decode(bytes);
        Assert.Equal(DimseCommandField.CEchoRq, decoded.CommandField);
        Assert.Equal(7, decoded.GetUInt16(CommandElement.MessageId));
        Assert.Equal(EchoMessages.VerificationSopClassUid, decoded.GetString(CommandElement.AffectedSopClassUid));
        Assert.False(decoded.HasDataSet);
        Assert.Equal(bytes, decoded.Encode());
    }

    [Fact]
    public void EchoResponse_AnswersMessageId_WithStatus()
    {
        CommandSet rsp = EchoMessages.CreateResponse(EchoMessages.CreateRequest(42), DimseStatus.Success);
        CommandSet decoded = CommandSet.Decode(rsp.Encode());
        Assert.Equal(DimseCommandField.CEchoRsp, decoded.CommandField);
        Assert.Equal(42, decoded.GetUInt16(CommandElement.MessageIdBeingRespondedTo));
        Assert.Equal(DimseStatus.Success, decoded.GetUInt16(CommandElement.Status));
    }

    [Fact]
    public void Decode_ElementLengthOverrun_Throws()
    {
        byte[] bogus = [0, 0, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2];
        var ex = Assert.Throws<DicomNetworkProtocolException>(() => CommandSet.Decode(bogus));
        Assert.Equal(ProtocolErrorReason.LengthOverrun, ex.Reason);
    }

    [Fact]
    public void Decode_OtherGroup_Throws()
    {
        byte[] bytes = [0x08, 0, 0x16, 0, 2, 0, 0, 0, 1, 2];
        Assert.Throws<DicomNetworkProtocolException>(() => CommandSet.Decode(bytes));
    }
}
