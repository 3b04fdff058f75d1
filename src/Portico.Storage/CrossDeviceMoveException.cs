namespace Portico.Storage;

/// <summary>A rename was asked across two file systems, where it cannot be atomic.</summary>
internal sealed class CrossDeviceMoveException : IOException
{
    public CrossDeviceMoveException(string source, string destination)
        : base($"'{source}' and '{destination}' are on different file systems.")
    {
    }
}
