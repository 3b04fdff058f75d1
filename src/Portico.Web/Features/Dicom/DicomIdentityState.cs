namespace Portico.Web.Features.Dicom;

/// <summary>
/// What <see cref="IdentityAssociationPolicy"/> hands the network layer for an accepted association
/// (<c>AssociationDecision.State</c>, back as <c>AssociationContext.PolicyState</c> and <c>AssociationRecord.PolicyState</c>):
/// the identity that called, for the C-STORE source and the association log.
/// </summary>
public sealed record DicomIdentityState(Guid IdentityId, string Name, string AETitle);
