namespace Portico.Dicom.Network;

/// <summary>Maps <see cref="RejectReason"/> to and from its PS3.8 table 9-21 (source, reason) pair.</summary>
public static class RejectReasonExtensions
{
    public static RejectSource Source(this RejectReason reason) => reason switch
    {
        RejectReason.UserNoReasonGiven or RejectReason.ApplicationContextNameNotSupported
            or RejectReason.CallingAETitleNotRecognized or RejectReason.CalledAETitleNotRecognized => RejectSource.ServiceUser,
        RejectReason.AcseNoReasonGiven or RejectReason.ProtocolVersionNotSupported => RejectSource.ServiceProviderAcse,
        _ => RejectSource.ServiceProviderPresentation,
    };

    public static byte WireValue(this RejectReason reason) => reason switch
    {
        RejectReason.UserNoReasonGiven => 1,
        RejectReason.ApplicationContextNameNotSupported => 2,
        RejectReason.CallingAETitleNotRecognized => 3,
        RejectReason.CalledAETitleNotRecognized => 7,
        RejectReason.AcseNoReasonGiven => 1,
        RejectReason.ProtocolVersionNotSupported => 2,
        RejectReason.TemporaryCongestion => 1,
        RejectReason.LocalLimitExceeded => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>Decodes a (source, reason) pair; invalid combinations are a protocol error.</summary>
    public static RejectReason FromWire(byte source, byte reason) => (source, reason) switch
    {
        (1, 1) => RejectReason.UserNoReasonGiven,
        (1, 2) => RejectReason.ApplicationContextNameNotSupported,
        (1, 3) => RejectReason.CallingAETitleNotRecognized,
        (1, 7) => RejectReason.CalledAETitleNotRecognized,
        (2, 1) => RejectReason.AcseNoReasonGiven,
        (2, 2) => RejectReason.ProtocolVersionNotSupported,
        (3, 1) => RejectReason.TemporaryCongestion,
        (3, 2) => RejectReason.LocalLimitExceeded,
        _ => throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"A-ASSOCIATE-RJ source {source} reason {reason} is not defined by PS3.8 table 9-21."),
    };
}
