namespace Portico.Dicom.Network.Scu;

/// <summary>
/// The SCP sent an A-ABORT (PS3.8 §9.3.8) or closed the connection while an operation was under way. An
/// <see cref="IOException"/>, so callers that treat the network as unreliable catch it with the rest.
/// </summary>
public sealed class DicomAssociationAbortedException : IOException
{
    public DicomAssociationAbortedException()
        : base("The association was aborted.")
    {
    }

    public DicomAssociationAbortedException(string message)
        : base(message)
    {
    }

    public DicomAssociationAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DicomAssociationAbortedException(AbortSource source, AbortReason reason)
        : base(source == Network.AbortSource.ServiceProvider
            ? $"The peer aborted the association (service provider, reason: {reason})."
            : "The peer aborted the association (service user).")
    {
        AbortSource = source;
        AbortReason = reason;
    }

    /// <summary>Who aborted; null when the connection was closed without an A-ABORT.</summary>
    public AbortSource? AbortSource { get; }

    /// <summary>The reason, significant when the source is the service provider.</summary>
    public AbortReason? AbortReason { get; }
}
