namespace Portico.Dicom.Network.Services;

/// <summary>
/// Thrown by an <see cref="IDimseServiceProvider"/> to fail one request with a given status and comment
/// (e.g. 0xA801 move destination unknown, 0xA900 identifier does not match SOP class). The association stays up.
/// </summary>
public sealed class DimseServiceException : Exception
{
    public DimseServiceException()
    {
    }

    public DimseServiceException(string message)
        : base(message)
    {
    }

    public DimseServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DimseServiceException(ushort status, string errorComment)
        : base(errorComment)
    {
        Status = status;
    }

    public ushort Status { get; } = 0xC000;
}
