using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Portico.Dicom.Network.Services;

/// <summary>What an <see cref="IAssociationPolicy"/> decides on: who calls, from where, how protected.</summary>
/// <param name="CallingAETitle">Calling AE title, padding trimmed.</param>
/// <param name="CalledAETitle">Called AE title, padding trimmed.</param>
/// <param name="RemoteEndPoint">The peer's address and port, when known.</param>
/// <param name="Security">Plain, anonymous TLS or TLS with a client certificate.</param>
/// <param name="ClientCertificate">The certificate the peer presented on the TLS port, if any.</param>
public sealed record AssociationRequestInfo(
    string CallingAETitle,
    string CalledAETitle,
    IPEndPoint? RemoteEndPoint,
    TransportSecurity Security,
    X509Certificate2? ClientCertificate);
