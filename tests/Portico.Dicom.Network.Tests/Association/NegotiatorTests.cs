using Portico.Dicom.Network.Association;
using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Tests.Association;

public class NegotiatorTests
{
    private const string Verification = "1.2.840.10008.1.1";
    private const string Ct = "1.2.840.10008.5.1.4.1.1.2";
    private const string Implicit = "1.2.840.10008.1.2";
    private const string Explicit = "1.2.840.10008.1.2.1";
    private const string Jpeg = "1.2.840.10008.1.2.4.50";

    private static readonly AssociationPolicy Policy = new()
    {
        AETitle = "PORTICO",
        AbstractSyntaxes = new HashSet<string> { Verification, Ct },
        TransferSyntaxes = [Explicit, Implicit],
        MaxPduLength = 32768,
    };

    private static AssociateRequestPdu Request(string called = "PORTICO", params PresentationContextRequest[] contexts) =>
        new(called, "SCU", contexts.Length > 0 ? contexts : [new PresentationContextRequest(1, Verification, [Implicit])], new UserInformation { MaxPduLength = 16384, ImplementationClassUid = "1.2.3" });

    [Fact]
    public void Negotiate_PicksScpPreferredTransferSyntax_AndAnswersEachContext()
    {
        NegotiationResult result = Negotiator.Negotiate(Request("PORTICO",
            new PresentationContextRequest(1, Verification, [Implicit, Explicit]),
            new PresentationContextRequest(3, "1.2.3.4.5", [Implicit]),
            new PresentationContextRequest(5, Ct, [Jpeg])), Policy);
        AssociateAcceptPdu ac = Assert.IsType<AssociateAcceptPdu>(result.Pdu);
        Assert.Equal(new PresentationContextAccept(1, PresentationContextResult.Acceptance, Explicit), ac.PresentationContexts[0]);
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported, ac.PresentationContexts[1].Result);
        Assert.Equal(PresentationContextResult.TransferSyntaxesNotSupported, ac.PresentationContexts[2].Result);
        Assert.Equal(32768u, ac.UserInformation.MaxPduLength);
        Assert.Equal(PorticoImplementation.ClassUid, ac.UserInformation.ImplementationClassUid);
        Assert.Equal("PORTICO", ac.CalledAETitle);
        Assert.Equal("SCU", ac.CallingAETitle);
    }

    [Fact]
    public void Negotiate_WrongCalledAETitle_RejectsPermanentServiceUserReason7()
    {
        NegotiationResult result = Negotiator.Negotiate(Request("OTHER"), Policy);
        AssociateRejectPdu rj = Assert.IsType<AssociateRejectPdu>(result.Pdu);
        Assert.Equal(RejectResult.RejectedPermanent, rj.Result);
        Assert.Equal(RejectSource.ServiceUser, rj.Source);
        Assert.Equal(7, rj.Reason.WireValue());
    }

    [Fact]
    public void Negotiate_UnknownCallingAETitle_RejectsReason3()
    {
        NegotiationResult result = Negotiator.Negotiate(Request(), Policy with { CallingAETitles = new HashSet<string> { "CT1" } });
        Assert.Equal(RejectReason.CallingAETitleNotRecognized, result.Reject!.Reason);
        Assert.Equal(3, result.Reject.Reason.WireValue());
    }

    [Fact]
    public void Negotiate_OtherApplicationContext_RejectsReason2()
    {
        NegotiationResult result = Negotiator.Negotiate(Request() with { ApplicationContextName = "1.2.3" }, Policy);
        Assert.Equal(RejectReason.ApplicationContextNameNotSupported, result.Reject!.Reason);
    }

    [Fact]
    public void Negotiate_ProtocolVersionWithoutBit0_RejectsProviderAcseReason2()
    {
        NegotiationResult result = Negotiator.Negotiate(Request() with { ProtocolVersion = 2 }, Policy);
        Assert.Equal(RejectSource.ServiceProviderAcse, result.Reject!.Source);
        Assert.Equal(2, result.Reject.Reason.WireValue());
    }

    [Fact]
    public void Negotiate_AsyncWindowAndRoles_AnsweredConservatively()
    {
        AssociateRequestPdu rq = Request("PORTICO", new PresentationContextRequest(1, Ct, [Explicit])) with
        {
            UserInformation = new UserInformation
            {
                AsyncOperationsWindow = new AsyncOperationsWindow(10, 10),
                RoleSelections = [new RoleSelection(Ct, true, true), new RoleSelection("9.9", true, false)],
                OtherSubItems = [new RawSubItem(0x56, new byte[] { 1 })],
            },
        };
        AssociateAcceptPdu ac = Negotiator.Negotiate(rq, Policy).Accept!;
        Assert.Equal(new AsyncOperationsWindow(1, 1), ac.UserInformation.AsyncOperationsWindow);
        Assert.Equal(new RoleSelection(Ct, true, false), Assert.Single(ac.UserInformation.RoleSelections));
        Assert.Empty(ac.UserInformation.OtherSubItems);
    }
}
