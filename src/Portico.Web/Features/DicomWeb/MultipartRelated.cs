using System.Text;

namespace Portico.Web.Features.DicomWeb;

/// <summary>
/// A <c>multipart/related</c> answer (RFC 2387) written part by part straight to the response, as WADO-RS sends
/// instances and frames: nothing is held in memory but the part being copied.
/// </summary>
internal sealed class MultipartRelated
{
    private readonly string _boundary = "portico-" + Guid.NewGuid().ToString("N");
    private bool _inPart;

    /// <param name="type">The media type of the parts (the <c>type</c> parameter).</param>
    public MultipartRelated(HttpResponse response, string type)
    {
        response.ContentType = $"multipart/related; type=\"{type}\"; boundary={_boundary}";
        Body = response.Body;
    }

    /// <summary>Where the current part's content is written.</summary>
    public Stream Body { get; }

    /// <summary>Ends the part before, if any, and starts one with this Content-Type.</summary>
    public Task StartPartAsync(string contentType, CancellationToken cancellationToken)
    {
        string head = $"{(_inPart ? "\r\n" : "")}--{_boundary}\r\nContent-Type: {contentType}\r\n\r\n";
        _inPart = true;
        return Body.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken).AsTask();
    }

    /// <summary>Ends the last part and the body.</summary>
    public Task EndAsync(CancellationToken cancellationToken) =>
        Body.WriteAsync(Encoding.ASCII.GetBytes($"{(_inPart ? "\r\n" : "")}--{_boundary}--\r\n"), cancellationToken).AsTask();
}
