using Portico.Dicom.IO;
using Portico.Imaging;

namespace Portico.Web.Features.DicomWeb;

/// <summary>
/// One frame of a stored instance made into a picture for a browser: native and RLE Lossless pixel data rendered to PNG
/// (<see cref="FrameRenderer"/>), JPEG baseline frames sent as stored (a browser decodes them itself).
/// </summary>
internal sealed record Rendition(string ContentType, byte[] Bytes, int FrameCount)
{
    /// <summary>The largest frame rendered: 16,384 × 16,384 16-bit pixels, or a 64-megapixel colour image.</summary>
    public const long MaxFrameBytes = 512L * 1024 * 1024;

    public const string Jpeg = "image/jpeg";

    private const string JpegBaseline = "1.2.840.10008.1.2.4.50";

    private const string RleLossless = "1.2.840.10008.1.2.5";

    /// <summary>What the caller asked for: which frame (1-based), the window, the largest size, and whether JPEG is acceptable.</summary>
    public sealed record Request(int Frame, VoiWindow? Window, (int Width, int Height)? Viewport, bool AcceptsPng, bool AcceptsJpeg);

    /// <exception cref="FrameException">The instance has no such frame (404), or it cannot be rendered as asked (406).</exception>
    public static async Task<Rendition> RenderAsync(Stream stored, Request request, CancellationToken cancellationToken)
    {
        FrameLocator frames = await FrameLocator.ReadAsync(stored, cancellationToken);
        if (request.Frame > frames.Count)
        {
            throw new FrameException($"There is no frame {request.Frame}: the instance has {frames.Count}.", StatusCodes.Status404NotFound);
        }

        PixelLayout layout;
        try
        {
            layout = PixelLayout.FromDataset(frames.Dataset);
        }
        catch (RenderingException e)
        {
            throw new FrameException(e.Message);
        }

        string syntax = frames.TransferSyntaxUid;
        if (syntax == JpegBaseline)
        {
            // Sent as stored: Portico has no JPEG codec, and a browser decodes baseline JPEG itself.
            if (!request.AcceptsJpeg || request.Window is not null)
            {
                throw new FrameException("This frame is stored as baseline JPEG and is sent as stored (image/jpeg), without a window applied.");
            }

            return new Rendition(Jpeg, await frames.ReadFrameAsync(stored, request.Frame, MaxFrameBytes, cancellationToken), frames.Count);
        }

        if (syntax != TransferSyntax.ExplicitVRLittleEndian.Uid && syntax != RleLossless)
        {
            string name = TransferSyntax.Find(syntax)?.Name ?? syntax;
            throw new FrameException($"Portico cannot decode pixel data stored as {name} to render it. Retrieve the frames or the instance instead.");
        }

        if (!request.AcceptsPng)
        {
            throw new FrameException("Rendered frames are answered as image/png (JPEG baseline frames as image/jpeg).");
        }

        byte[] frame = await frames.ReadFrameAsync(stored, request.Frame, MaxFrameBytes, cancellationToken);
        RenderedImage image;
        try
        {
            image = syntax == RleLossless
                ? FrameRenderer.Render(layout, RleDecoder.Decode(layout, frame), request.Window, planar: true)
                : FrameRenderer.Render(layout, frame, request.Window);
        }
        catch (RenderingException e)
        {
            throw new FrameException(e.Message, StatusCodes.Status422UnprocessableEntity);
        }

        if (request.Viewport is { } viewport)
        {
            image = image.FitWithin(viewport.Width, viewport.Height);
        }

        using var png = new MemoryStream();
        PngEncoder.Write(image, png);
        return new Rendition(PngEncoder.MediaType, png.ToArray(), frames.Count);
    }
}
