namespace Portico.Dicom.Network;

/// <summary>A peer sent bytes that break PS3.8 (bad PDU or item). The association answers it with an A-ABORT.</summary>
public sealed class DicomNetworkProtocolException : Exception
{
    public DicomNetworkProtocolException()
        : this(ProtocolErrorReason.Malformed, "Malformed PDU.")
    {
    }

    public DicomNetworkProtocolException(string message)
        : this(ProtocolErrorReason.Malformed, message)
    {
    }

    public DicomNetworkProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = ProtocolErrorReason.Malformed;
    }

    public DicomNetworkProtocolException(ProtocolErrorReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public ProtocolErrorReason Reason { get; }

    /// <summary>The A-ABORT reason (PS3.8 §9.3.8, source 2) this error is reported with.</summary>
    public AbortReason AbortReason => Reason switch
    {
        ProtocolErrorReason.UnknownPduType => AbortReason.UnrecognizedPdu,
        ProtocolErrorReason.UnexpectedPdu => AbortReason.UnexpectedPdu,
        ProtocolErrorReason.UnknownItemType or ProtocolErrorReason.ItemInWrongPlace => AbortReason.UnexpectedPduParameter,
        _ => AbortReason.InvalidPduParameterValue,
    };
}
