namespace Portico.Dicom.Network.Services;

/// <summary>
/// An <see cref="IAssociationPolicy"/>'s answer: accept with the operations the caller may use, or reject with the
/// PS3.8 result, source and reason and a sentence for administrators (the association record keeps it).
/// </summary>
public sealed record AssociationDecision
{
    private AssociationDecision()
    {
    }

    public bool IsAccepted { get; private init; }

    /// <summary>Operations allowed on this association; presentation contexts for others are refused at negotiation.</summary>
    public DimseOperations AllowedOperations { get; private init; }

    public RejectResult RejectResult { get; private init; }

    public RejectSource RejectSource { get; private init; }

    public RejectReason RejectReason { get; private init; }

    /// <summary>Why it was rejected, for administrators ("AE title 'X' is not registered"); never sent on the wire.</summary>
    public string? Why { get; private init; }

    /// <summary>Whatever the policy wants back in every service call of this association (e.g. the identity's id and name).</summary>
    public object? State { get; private init; }

    public static AssociationDecision Accept(DimseOperations allowed, object? state = null) =>
        new() { IsAccepted = true, AllowedOperations = allowed, State = state };

    public static AssociationDecision Reject(RejectResult result, RejectSource source, RejectReason reason, string why) =>
        new() { IsAccepted = false, RejectResult = result, RejectSource = source, RejectReason = reason, Why = why };
}
