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
        if (Precheck(request, policy) is { } early)
        {
            return early;
        }
        if (policy.CallingAETitles is { } allowed && !allowed.Contains(request.CallingAETitle.Trim(' ')))
        {
            return NegotiationResult.Rejected(RejectResult.RejectedPermanent, RejectReason.CallingAETitleNotRecognized);
        }

        UserInformation requested = request.UserInformation;
        var proposedRoles = new Dictionary<string, RoleSelection>(StringComparer.Ordinal);
        foreach (RoleSelection role in requested.RoleSelections)
        {
            proposedRoles.TryAdd(role.SopClassUid, role);
        }

        var results = new List<PresentationContextAccept>(request.PresentationContexts.Count);
        var answeredRoles = new Dictionary<string, RoleSelection>(StringComparer.Ordinal);
        foreach (PresentationContextRequest pc in request.PresentationContexts)
        {
            PresentationContextAccept result = NegotiateContext(pc, policy, proposedRoles, answeredRoles);
            results.Add(result);
        }

        var userInformation = new UserInformation
        {
            MaxPduLength = policy.MaxPduLength,
            ImplementationClassUid = policy.ImplementationClassUid,
            ImplementationVersionName = policy.ImplementationVersionName,
            // Portico performs one operation at a time; answering (1, 1) is always permitted (PS3.7 §D.3.3.3).
            AsyncOperationsWindow = requested.AsyncOperationsWindow is null ? null : new AsyncOperationsWindow(1, 1),
            // PS3.7 §D.3.3.4: one answer per proposed SOP class whose context we accepted, in the order proposed.
            RoleSelections = requested.RoleSelections
                .Where(r => answeredRoles.ContainsKey(r.SopClassUid))
                .Select(r => answeredRoles[r.SopClassUid])
                .DistinctBy(r => r.SopClassUid)
                .ToList(),
            // Extended negotiation sub-items are not answered: silence means "not supported" (PS3.7 §D.3.3.5).
        };
        return NegotiationResult.Accepted(new AssociateAcceptPdu(request.CalledAETitle, request.CallingAETitle, results, userInformation));
    }

    /// <summary>
    /// The checks that need no knowledge of the caller: protocol version, application context and called AE title
    /// (PS3.8 §9.3.2, §7.1.1.2). Null when they pass; otherwise the A-ASSOCIATE-RJ to send.
    /// </summary>
    public static NegotiationResult? Precheck(AssociateRequestPdu request, AssociationPolicy policy)
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
        return null;
    }

    private static PresentationContextAccept NegotiateContext(
        PresentationContextRequest pc,
        AssociationPolicy policy,
        Dictionary<string, RoleSelection> proposedRoles,
        Dictionary<string, RoleSelection> answeredRoles)
    {
        bool storage = !policy.AbstractSyntaxes.Contains(pc.AbstractSyntax) && policy.IsStorageSopClass?.Invoke(pc.AbstractSyntax) == true;
        if (!storage && !policy.AbstractSyntaxes.Contains(pc.AbstractSyntax))
        {
            // The transfer syntax of a refused context "shall not be tested" (PS3.8 §9.3.3.2); echo the first proposed.
            return new PresentationContextAccept(pc.Id, PresentationContextResult.AbstractSyntaxNotSupported, pc.TransferSyntaxes[0]);
        }
        if (policy.IsPermitted?.Invoke(pc.AbstractSyntax) == false)
        {
            return new PresentationContextAccept(pc.Id, PresentationContextResult.UserRejection, pc.TransferSyntaxes[0]);
        }
        if (storage)
        {
            // Without a role selection item the requester is the SCU (PS3.7 §D.3.3.4).
            proposedRoles.TryGetValue(pc.AbstractSyntax, out RoleSelection? proposed);
            bool requesterScu = (proposed?.ScuRole ?? true) && policy.AllowStorageScuRole;
            bool requesterScp = (proposed?.ScpRole ?? false) && policy.AllowStorageScpRole;
            if (!requesterScu && !requesterScp)
            {
                return new PresentationContextAccept(pc.Id, PresentationContextResult.UserRejection, pc.TransferSyntaxes[0]);
            }
            string? syntax = pc.TransferSyntaxes.FirstOrDefault(policy.StorageTransferSyntaxes.Contains);
            if (syntax is null)
            {
                return new PresentationContextAccept(pc.Id, PresentationContextResult.TransferSyntaxesNotSupported, pc.TransferSyntaxes[0]);
            }
            if (proposed is not null)
            {
                answeredRoles[pc.AbstractSyntax] = new RoleSelection(pc.AbstractSyntax, requesterScu, requesterScp);
            }
            return new PresentationContextAccept(pc.Id, PresentationContextResult.Acceptance, syntax);
        }
        if (proposedRoles.TryGetValue(pc.AbstractSyntax, out RoleSelection? other))
        {
            // Query/retrieve and verification: the requester is the SCU, never the SCP.
            answeredRoles.TryAdd(pc.AbstractSyntax, new RoleSelection(pc.AbstractSyntax, other.ScuRole, ScpRole: false));
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
