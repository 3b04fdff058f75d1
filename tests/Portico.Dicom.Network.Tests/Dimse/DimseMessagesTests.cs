using Portico.Dicom.Network.Dimse;

namespace Portico.Dicom.Network.Tests.Dimse;

public class DimseMessagesTests
{
    [Fact]
    public void StoreRequest_RoundTrips_WithMoveOriginator()
    {
        CommandSet rq = StoreMessages.CreateRequest(3, "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5", DimsePriority.High, "MOVER", 17);
        CommandSet decoded = CommandSet.Decode(rq.Encode());
        Assert.Equal(DimseCommandField.CStoreRq, decoded.CommandField);
        Assert.Equal(3, decoded.MessageId);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", decoded.AffectedSopClassUid);
        Assert.Equal("1.2.3.4.5", decoded.AffectedSopInstanceUid);
        Assert.Equal(DimsePriority.High, decoded.Priority);
        Assert.Equal("MOVER", decoded.MoveOriginatorAETitle);
        Assert.Equal((ushort)17, decoded.MoveOriginatorMessageId);
        Assert.True(decoded.HasDataSet);
        Assert.False(decoded.IsResponse);
    }

    [Fact]
    public void StoreResponse_EchoesUids_AndCutsErrorCommentTo64()
    {
        CommandSet rq = StoreMessages.CreateRequest(9, "1.2.3", "4.5.6");
        CommandSet rsp = CommandSet.Decode(StoreMessages.CreateResponse(rq, DimseStatus.OutOfResources, new string('x', 100) + "\\").Encode());
        Assert.Equal(DimseCommandField.CStoreRsp, rsp.CommandField);
        Assert.True(rsp.IsResponse);
        Assert.Equal(9, rsp.MessageIdBeingRespondedTo);
        Assert.Equal("4.5.6", rsp.AffectedSopInstanceUid);
        Assert.Equal((ushort)DimseStatus.OutOfResources, rsp.Status);
        Assert.Equal(64, rsp.ErrorComment!.Length);
        Assert.False(rsp.HasDataSet);
    }

    [Fact]
    public void FindResponse_Pending_HasIdentifier_FinalHasNone()
    {
        CommandSet rq = FindMessages.CreateRequest(5, "1.2.840.10008.5.1.4.1.2.2.1");
        Assert.True(CommandSet.Decode(FindMessages.CreateResponse(rq, DimseStatus.Pending, hasIdentifier: true).Encode()).HasDataSet);
        CommandSet final = CommandSet.Decode(FindMessages.CreateResponse(rq, DimseStatus.Success).Encode());
        Assert.False(final.HasDataSet);
        Assert.Equal(DimseCommandField.CFindRsp, final.CommandField);
    }

    [Fact]
    public void MoveResponses_RemainingOnlyWhenPendingOrCancel()
    {
        CommandSet rq = MoveMessages.CreateRequest(7, "1.2.840.10008.5.1.4.1.2.2.2", "DEST");
        Assert.Equal("DEST", CommandSet.Decode(rq.Encode()).MoveDestination);
        var counts = new SubOperationCounts(4, 3, 2, 1);
        CommandSet pending = CommandSet.Decode(MoveMessages.CreateResponse(rq, DimseStatus.Pending, counts).Encode());
        Assert.Equal(counts, pending.SubOperations);
        CommandSet final = CommandSet.Decode(MoveMessages.CreateResponse(rq, DimseStatus.Warning, counts, hasIdentifier: true).Encode());
        Assert.False(final.Contains(CommandElement.NumberOfRemainingSuboperations));
        Assert.Equal(new SubOperationCounts(0, 3, 2, 1), final.SubOperations);
        Assert.True(final.HasDataSet);
        CommandSet get = CommandSet.Decode(GetMessages.CreateResponse(GetMessages.CreateRequest(8, "1.2.840.10008.5.1.4.1.2.2.3"), DimseStatus.Cancel, counts).Encode());
        Assert.Equal(DimseCommandField.CGetRsp, get.CommandField);
        Assert.Equal(counts, get.SubOperations);
    }

    [Fact]
    public void CancelRequest_NamesTheCancelledMessage()
    {
        CommandSet cancel = CommandSet.Decode(CancelMessages.CreateRequest(12).Encode());
        Assert.Equal(DimseCommandField.CCancelRq, cancel.CommandField);
        Assert.Equal(12, cancel.MessageIdBeingRespondedTo);
        Assert.False(cancel.HasDataSet);
    }

    [Theory]
    [InlineData(0x0000, "success")]
    [InlineData(0xFF00, "pending")]
    [InlineData(0xFF01, "pending")]
    [InlineData(0xFE00, "cancel")]
    [InlineData(0xB000, "warning")]
    [InlineData(0xB007, "warning")]
    [InlineData(0xA700, "failure")]
    [InlineData(0xA801, "failure")]
    [InlineData(0xC000, "failure")]
    [InlineData(0x0122, "failure")]
    public void Status_IsClassified(int status, string kind)
    {
        var s = (ushort)status;
        string actual = DimseStatus.IsSuccess(s) ? "success" : DimseStatus.IsPending(s) ? "pending" : DimseStatus.IsCancel(s) ? "cancel" : DimseStatus.IsWarning(s) ? "warning" : "failure";
        Assert.Equal(kind, actual);
        Assert.Equal(kind == "failure", DimseStatus.IsFailure(s));
    }
}
