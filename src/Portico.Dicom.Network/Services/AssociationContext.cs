using System.Net;

namespace Portico.Dicom.Network.Services;

/// <summary>The established association a service call belongs to.</summary>
/// <param name="AssociationId">Unique per server process; use it in log scopes.</param>
/// <param name="CallingAETitle">The peer's AE title.</param>
/// <param name="CalledAETitle">Our AE title as called.</param>
/// <param name="RemoteEndPoint">The peer's address.</param>
/// <param name="Security">How the connection is protected.</param>
/// <param name="PolicyState">The <see cref="AssociationDecision.State"/> the policy returned.</param>
public sealed record AssociationContext(
    long AssociationId,
    string CallingAETitle,
    string CalledAETitle,
    IPEndPoint? RemoteEndPoint,
    TransportSecurity Security,
    object? PolicyState);
