namespace Portico.Storage;

/// <summary>
/// The content sent to <see cref="IBlobStore.WriteAsync"/> went past its limit. Nothing was stored and the temp
/// file is deleted. This is bad input from outside: callers turn it into their wire answer (DIMSE status, HTTP 413).
/// </summary>
public sealed class BlobTooLargeException : Exception
{
    public BlobTooLargeException()
        : this("The content exceeds the size limit.")
    {
    }

    public BlobTooLargeException(string message)
        : base(message)
    {
    }

    public BlobTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BlobTooLargeException(long maxBytes)
        : base($"The content exceeds the limit of {maxBytes} bytes.")
    {
        MaxBytes = maxBytes;
    }

    /// <summary>The limit that was exceeded, in bytes (-1 when not known).</summary>
    public long MaxBytes { get; } = -1;
}
