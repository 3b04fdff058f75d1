namespace Portico.Index.QueryRetrieve;

/// <summary>
/// An identifier that cannot be matched (missing or unknown level, a key outside the level...). The message is
/// short enough for a DIMSE Error Comment (0000,0902, at most 64 characters) and never holds patient data.
/// </summary>
public sealed class InvalidQueryException : Exception
{
    public InvalidQueryException()
    {
    }

    public InvalidQueryException(string message)
        : base(message)
    {
    }

    public InvalidQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
