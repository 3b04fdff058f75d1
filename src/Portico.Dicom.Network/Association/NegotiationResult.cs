using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Association;

/// <summary>The answer to an A-ASSOCIATE-RQ: exactly one of <see cref="Accept"/> or <see cref="Reject"/> is set.</summary>
public sealed record NegotiationResult
{
    private NegotiationResult(AssociateAcceptPdu? accept, AssociateRejectPdu? reject)
    {
        Accept = accept;
        Reject = reject;
    }

    public AssociateAcceptPdu? Accept { get; }

    public AssociateRejectPdu? Reject { get; }

    public bool IsAccepted => Accept is not null;

    public Pdu Pdu => (Pdu?)Accept ?? Reject!;

    public static NegotiationResult Accepted(AssociateAcceptPdu accept) => new(accept, null);

    public static NegotiationResult Rejected(RejectResult result, RejectReason reason) => new(null, new AssociateRejectPdu(result, reason));
}
