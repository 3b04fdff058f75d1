namespace Portico.Dicom.Network.Scu;

/// <summary>
/// A C-FIND ended with a failure status (PS3.7 annex C): the matches already yielded stand, the rest never came.
/// The association is still usable.
/// </summary>
public sealed class DicomOperationFailedException : Exception
{
    public DicomOperationFailedException()
    {
    }

    public DicomOperationFailedException(string message)
        : base(message)
    {
    }

    public DicomOperationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DicomOperationFailedException(ushort status, string? errorComment)
        : base(errorComment is null ? $"The SCP answered status 0x{status:X4}." : $"The SCP answered status 0x{status:X4}: {errorComment}")
    {
        Status = status;
        ErrorComment = errorComment;
    }

    public ushort Status { get; }

    public string? ErrorComment { get; }
}
