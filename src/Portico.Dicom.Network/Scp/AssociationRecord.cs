using System.Net;

namespace Portico.Dicom.Network.Scp;

/// <summary>What happened on one connection; no patient data by construction.</summary>
public sealed record AssociationRecord(
    EndPoint? RemoteEndPoint,
    string? CallingAETitle,
    string? CalledAETitle,
    AssociationOutcome Outcome,
    RejectReason? RejectReason,
    string? Detail,
    int EchoCount,
    TimeSpan Duration);
