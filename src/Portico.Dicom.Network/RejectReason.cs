namespace Portico.Dicom.Network;

/// <summary>
/// A-ASSOCIATE-RJ reason/diagnostic, PS3.8 §9.3.4 (table 9-21). The wire value depends on the source,
/// so each member is named after its source; <see cref="RejectReasonExtensions"/> maps it to bytes.
/// </summary>
public enum RejectReason
{
    /// <summary>Source 1, reason 1.</summary>
    UserNoReasonGiven,

    /// <summary>Source 1, reason 2.</summary>
    ApplicationContextNameNotSupported,

    /// <summary>Source 1, reason 3.</summary>
    CallingAETitleNotRecognized,

    /// <summary>Source 1, reason 7.</summary>
    CalledAETitleNotRecognized,

    /// <summary>Source 2, reason 1.</summary>
    AcseNoReasonGiven,

    /// <summary>Source 2, reason 2.</summary>
    ProtocolVersionNotSupported,

    /// <summary>Source 3, reason 1.</summary>
    TemporaryCongestion,

    /// <summary>Source 3, reason 2.</summary>
    LocalLimitExceeded,
}
