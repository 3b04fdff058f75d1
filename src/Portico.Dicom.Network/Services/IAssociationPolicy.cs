namespace Portico.Dicom.Network.Services;

/// <summary>
/// Decides whether an A-ASSOCIATE-RQ is accepted and which operations it may use (the DICOM Identity check). Called once
/// per association after the called AE title and the protocol have been checked, before the A-ASSOCIATE-AC is sent.
/// </summary>
public interface IAssociationPolicy
{
    ValueTask<AssociationDecision> DecideAsync(AssociationRequestInfo request, CancellationToken cancellationToken);
}
