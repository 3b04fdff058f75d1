namespace Portico.Dicom.Network.Scu;

/// <summary>The SCP answered the A-ASSOCIATE-RQ with an A-ASSOCIATE-RJ (PS3.8 §9.3.4); the message says why in words.</summary>
public sealed class DicomAssociationRejectedException : Exception
{
    public DicomAssociationRejectedException()
        : this(RejectResult.RejectedPermanent, RejectReason.UserNoReasonGiven)
    {
    }

    public DicomAssociationRejectedException(string message)
        : base(message)
    {
        Result = RejectResult.RejectedPermanent;
        Reason = RejectReason.UserNoReasonGiven;
    }

    public DicomAssociationRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Result = RejectResult.RejectedPermanent;
        Reason = RejectReason.UserNoReasonGiven;
    }

    public DicomAssociationRejectedException(RejectResult result, RejectReason reason)
        : base(Describe(result, reason))
    {
        Result = result;
        Reason = reason;
    }

    /// <summary>Permanent or transient (worth retrying later).</summary>
    public RejectResult Result { get; }

    /// <summary>The reason/diagnostic of table 9-21.</summary>
    public RejectReason Reason { get; }

    /// <summary>Who rejected: the service user (the SCP application) or the service provider.</summary>
    public RejectSource RejectSource => Reason.Source();

    private static string Describe(RejectResult result, RejectReason reason)
    {
        string why = reason switch
        {
            RejectReason.UserNoReasonGiven => "no reason given",
            RejectReason.ApplicationContextNameNotSupported => "application context name not supported",
            RejectReason.CallingAETitleNotRecognized => "calling AE title not recognized",
            RejectReason.CalledAETitleNotRecognized => "called AE title not recognized",
            RejectReason.AcseNoReasonGiven => "no reason given (ACSE)",
            RejectReason.ProtocolVersionNotSupported => "protocol version not supported",
            RejectReason.TemporaryCongestion => "temporary congestion",
            RejectReason.LocalLimitExceeded => "local limit exceeded",
            _ => reason.ToString(),
        };
        string kind = result == RejectResult.RejectedTransient ? "transient" : "permanent";
        string source = reason.Source() switch
        {
            RejectSource.ServiceUser => "service user",
            RejectSource.ServiceProviderAcse => "service provider (ACSE)",
            _ => "service provider (presentation)",
        };
        return $"Association rejected ({kind}) by the {source}: {why}.";
    }
}
