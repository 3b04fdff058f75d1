using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Tests.Pdus;

public class PduRoundTripTests
{
    private static async Task<Pdu> RoundTripAsync(Pdu pdu)
    {
        byte[] bytes = PduEncoder.Encode(pdu);
        using var stream = new MemoryStream(bytes);
        var reader = new PduReader(stream);
        Pdu? decoded = await reader.ReadAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(decoded);
        Assert.Null(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(bytes, PduEncoder.Encode(decoded));
        return decoded;
    }

    internal static AssociateRequestPdu SampleRequest() => new(
        "PORTICO",
        "SCU",
        [
            new PresentationContextRequest(1, "1.2.840.10008.1.1", ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]),
            new PresentationContextRequest(3, "1.2.840.10008.5.1.4.1.1.2", ["1.2.840.10008.1.2"]),
        ],
        new UserInformation
        {
            MaxPduLength = 16384,
            ImplementationClassUid = "1.2.3.4",
            ImplementationVersionName = "TEST_1",
            AsyncOperationsWindow = new AsyncOperationsWindow(5, 1),
            RoleSelections = [new RoleSelection("1.2.840.10008.5.1.4.1.1.2", ScuRole: true, ScpRole: true)],
            OtherSubItems = [new RawSubItem(0x56, new byte[] { 0, 3, (byte)'1', (byte)'.', (byte)'2', 1 })],
        });

    [Fact]
    public async Task AssociateRequest_RoundTrips_AllFields()
    {
        var decoded = Assert.IsType<AssociateRequestPdu>(await RoundTripAsync(SampleRequest()));
        Assert.Equal("PORTICO", decoded.CalledAETitle);
        Assert.Equal("SCU", decoded.CallingAETitle);
        Assert.Equal(AssociateRequestPdu.DicomApplicationContextName, decoded.ApplicationContextName);
        Assert.Equal(2, decoded.PresentationContexts.Count);
        Assert.Equal(["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"], decoded.PresentationContexts[0].TransferSyntaxes);
        Assert.Equal(16384u, decoded.UserInformation.MaxPduLength);
        Assert.Equal("1.2.3.4", decoded.UserInformation.ImplementationClassUid);
        Assert.Equal("TEST_1", decoded.UserInformation.ImplementationVersionName);
        Assert.Equal(new AsyncOperationsWindow(5, 1), decoded.UserInformation.AsyncOperationsWindow);
        Assert.Equal(new RoleSelection("1.2.840.10008.5.1.4.1.1.2", true, true), Assert.Single(decoded.UserInformation.RoleSelections));
        RawSubItem raw = Assert.Single(decoded.UserInformation.OtherSubItems);
        Assert.Equal(0x56, raw.ItemType);
        Assert.Equal(new byte[] { 0, 3, (byte)'1', (byte)'.', (byte)'2', 1 }, raw.Value.ToArray());
    }

    [Fact]
    public async Task AssociateAccept_RoundTrips()
    {
        var ac = new AssociateAcceptPdu(
            "PORTICO",
            "SCU",
            [
                new PresentationContextAccept(1, PresentationContextResult.Acceptance, "1.2.840.10008.1.2.1"),
                new PresentationContextAccept(3, PresentationContextResult.AbstractSyntaxNotSupported, "1.2.840.10008.1.2"),
            ],
            new UserInformation { MaxPduLength = 0, ImplementationClassUid = "1.2.3", ImplementationVersionName = "X" });
        var decoded = Assert.IsType<AssociateAcceptPdu>(await RoundTripAsync(ac));
        Assert.Equal(PresentationContextResult.Acceptance, decoded.PresentationContexts[0].Result);
        Assert.Equal("1.2.840.10008.1.2.1", decoded.PresentationContexts[0].TransferSyntax);
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, decoded.PresentationContexts[1].Result);
        Assert.Equal(0u, decoded.UserInformation.MaxPduLength);
    }

    [Theory]
    [InlineData(RejectResult.RejectedPermanent, RejectReason.CalledAETitleNotRecognized, 1, 7)]
    [InlineData(RejectResult.RejectedPermanent, RejectReason.CallingAETitleNotRecognized, 1, 3)]
    [InlineData(RejectResult.RejectedPermanent, RejectReason.ProtocolVersionNotSupported, 2, 2)]
    [InlineData(RejectResult.RejectedTransient, RejectReason.LocalLimitExceeded, 3, 2)]
    public async Task AssociateReject_RoundTrips_WithWireCodes(RejectResult result, RejectReason reason, byte source, byte wireReason)
    {
        var rj = new AssociateRejectPdu(result, reason);
        Assert.Equal(new byte[] { 0x03, 0, 0, 0, 0, 4, 0, (byte)result, source, wireReason }, PduEncoder.Encode(rj));
        Assert.Equal(rj, await RoundTripAsync(rj));
    }

    [Fact]
    public async Task PData_RoundTrips_MessageControlHeaders()
    {
        var pdu = new PDataTfPdu(
        [
            new PresentationDataValue(1, IsCommand: true, IsLast: true, new byte[] { 1, 2, 3 }),
            new PresentationDataValue(1, IsCommand: false, IsLast: false, new byte[] { 4 }),
            new PresentationDataValue(3, IsCommand: false, IsLast: true, Array.Empty<byte>()),
        ]);
        byte[] bytes = PduEncoder.Encode(pdu);
        Assert.Equal(new byte[] { 0x04, 0, 0, 0, 0, 9 + 7 + 6, 0, 0, 0, 5, 1, 0x03, 1, 2, 3 }, bytes[..15]);
        var decoded = Assert.IsType<PDataTfPdu>(await RoundTripAsync(pdu));
        Assert.Equal(3, decoded.Values.Count);
        Assert.True(decoded.Values[0].IsCommand && decoded.Values[0].IsLast);
        Assert.False(decoded.Values[1].IsCommand || decoded.Values[1].IsLast);
        Assert.Equal(new byte[] { 4 }, decoded.Values[1].Data.ToArray());
    }

    [Fact]
    public async Task ReleaseAndAbort_RoundTrip()
    {
        Assert.Equal(new byte[] { 0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0 }, PduEncoder.Encode(ReleaseRequestPdu.Instance));
        Assert.Equal(new byte[] { 0x06, 0, 0, 0, 0, 4, 0, 0, 0, 0 }, PduEncoder.Encode(ReleaseResponsePdu.Instance));
        Assert.IsType<ReleaseRequestPdu>(await RoundTripAsync(ReleaseRequestPdu.Instance));
        Assert.IsType<ReleaseResponsePdu>(await RoundTripAsync(ReleaseResponsePdu.Instance));
        var abort = new AbortPdu(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu);
        Assert.Equal(new byte[] { 0x07, 0, 0, 0, 0, 4, 0, 0, 2, 2 }, PduEncoder.Encode(abort));
        Assert.Equal(abort, await RoundTripAsync(abort));
        Assert.Equal(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified), await RoundTripAsync(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified)));
    }

    [Fact]
    public void AETitle_IsPaddedTo16Bytes_AndValidated()
    {
        byte[] bytes = PduEncoder.Encode(SampleRequest());
        Assert.Equal("PORTICO         "u8.ToArray(), bytes.AsSpan(10, 16).ToArray());
        Assert.False(AETitle.IsValid(""));
        Assert.False(AETitle.IsValid("   "));
        Assert.False(AETitle.IsValid("SEVENTEEN_CHARS_X"));
        Assert.False(AETitle.IsValid("BACK\\SLASH"));
        Assert.True(AETitle.IsValid(" SIXTEEN_CHARS_X "[1..^1]));
    }
}
