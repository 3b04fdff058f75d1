using System.Net;
using Portico.Dicom.Network.Services;

namespace Portico.Dicom.Network.Scp;

/// <summary>What happened on one connection, accepted or refused; no patient data by construction.</summary>
public sealed record AssociationRecord
{
    /// <summary>Unique per server process (the same id as <see cref="AssociationContext.AssociationId"/>).</summary>
    public long AssociationId { get; init; }

    /// <summary>When the connection was accepted.</summary>
    public DateTimeOffset StartedAt { get; init; }

    public TimeSpan Duration { get; init; }

    public EndPoint? RemoteEndPoint { get; init; }

    /// <summary>The port the connection arrived on (plain or TLS).</summary>
    public int LocalPort { get; init; }

    public string? CallingAETitle { get; init; }

    public string? CalledAETitle { get; init; }

    public TransportSecurity Security { get; init; }

    public AssociationOutcome Outcome { get; init; }

    /// <summary>Set when <see cref="Outcome"/> is <see cref="AssociationOutcome.Rejected"/>: the PS3.8 result, source and reason sent.</summary>
    public RejectResult? RejectResult { get; init; }

    public RejectSource? RejectSource { get; init; }

    public RejectReason? RejectReason { get; init; }

    /// <summary>Why, in a sentence for administrators (the policy's <see cref="AssociationDecision.Why"/>, a protocol error, a timeout).</summary>
    public string? Detail { get; init; }

    /// <summary>The policy's state for an accepted association (e.g. the DICOM Identity).</summary>
    public object? PolicyState { get; init; }

    public int EchoCount { get; init; }

    /// <summary>C-STORE requests received (as SCP).</summary>
    public int StoreCount { get; init; }

    /// <summary>C-STORE requests answered with a failure status.</summary>
    public int StoreFailedCount { get; init; }

    public int FindCount { get; init; }

    public int MoveCount { get; init; }

    public int GetCount { get; init; }

    /// <summary>PDU bytes received and sent, headers included.</summary>
    public long BytesReceived { get; init; }

    public long BytesSent { get; init; }
}
