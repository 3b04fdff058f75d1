namespace Portico.Imaging;

/// <summary>An image cannot be rendered: its pixel data is missing, malformed, or in a form Portico cannot show. The message says which.</summary>
public sealed class RenderingException : Exception
{
    public RenderingException()
    {
    }

    public RenderingException(string message)
        : base(message)
    {
    }

    public RenderingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
