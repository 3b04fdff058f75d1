using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Association;

/// <summary>
/// SCP-side association negotiation (PS3.8 §7.1, PS3.7 annex D) as a pure function of the request
/// and the policy: no I/O, no clock.
/// </summary>
public static class Negotiator
{
    public static NegotiationResult Negotiate(AssociateRequestPdu request, AssociationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);

        // PS3.8 §9.3.2: bit 0 of the protocol version must be set (version 1).
        if ((request.ProtocolVersion & 1) == 0)
        {
            return NegotiationResult.Rejected(RejectResult.RejectedPermanent, RejectReason.ProtocolVersionNotSupported);
        }
        if (request.ApplicationContextName != AssociateRequestPdu.DicomApplicationContextName)
        {
            return NegotiationResult.Rejected(RejectResult.RejectedPermanent, RejectReason.ApplicationContextNameNotSupported);
        }
        if (!string.Equals(request.CalledAETitle.Trim(' '), policy.AETitle.Trim(' '), StringComparison.Ordinal))
        {
            return NegotiationResult.Rejected(RejectResult.RejectedPermanent, RejectReason.CalledAETitleNotRecognized);
        }
        if (policy.CallingAETitles is { } allowed && !allowed.Contains(request.CallingAETitle.Trim(' ')))
        {
            return NegotiationResult.Rejected(RejectResult.RejectedPermanent, RejectReason.CallingAETitleNotRecognized);
        }

        var results = new List<PresentationContextAccept>(request.PresentationContexts.Count);
        var acceptedSyntaxes = new HashSet<string>(StringComparer.Ordinal);
        foreach (PresentationContextRequest pc in request.PresentationContexts)
        {
            PresentationContextAccept result = NegotiateContext(pc, policy);
            if (result.IsAccepted)
            {
                acceptedSyntaxes.Add(pc.AbstractSyntax);
            }
            results.Add(result);
        }

        UserInformation requested = request.UserInformation;
        var userInformation = new UserInformation
        {
            MaxPduLength = policy.MaxPduLength,
            ImplementationClassUid = policy.ImplementationClassUid,
            ImplementationVersionName = policy.ImplementationVersionName,
            // Portico performs one operation at a time; answering (1, 1) is always permitted (PS3.7 §D.3.3.3).
            AsyncOperationsWindow = requested.AsyncOperationsWindow is null ? null : new AsyncOperationsWindow(1, 1),
            // PS3.7 §D.3.3.4: the requester may be SCU for contexts we accepted; we never take the SCU role here.
            RoleSelections = requested.RoleSelections
                .Where(r => acceptedSyntaxes.Contains(r.SopClassUid))
                .Select(r => new RoleSelection(r.SopClassUid, r.ScuRole, ScpRole: false))
                .ToList(),
            // Extended negotiation sub-items are not answered: silence means "not supported" (PS3.7 §D.3.3.5).
        };
        return NegotiationResult.Accepted(new AssociateAcceptPdu(request.CalledAETitle, request.CallingAETitle, results, userInformation));
    }

    private static PresentationContextAccept NegotiateContext(PresentationContextRequest pc, AssociationPolicy policy)
    {
        if (!policy.AbstractSyntaxes.Contains(pc.AbstractSyntax))
        {
            // The transfer syntax of a refused context "shall not be tested" (PS3.8 §9.3.3.2); echo the first proposed.
            return new PresentationContextAccept(pc.Id, PresentationContextResult.AbstractSyntaxNotSupported, pc.TransferSyntaxes[0]);
        }
        foreach (string preferred in policy.TransferSyntaxes)
        {
            if (pc.TransferSyntaxes.Contains(preferred, StringComparer.Ordinal))
            {
                return new PresentationContextAccept(pc.Id, PresentationContextResult.Acceptance, preferred);
            }
        }
        return new PresentationContextAccept(pc.Id, PresentationContextResult.TransferSyntaxesNotSupported, pc.TransferSyntaxes[0]);
    }
}
