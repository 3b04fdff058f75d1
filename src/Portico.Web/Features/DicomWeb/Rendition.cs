using System.Globalization;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Imaging;

namespace Portico.Web.Features.DicomWeb;

/// <summary>
/// One frame of a stored instance made into a picture for a browser: native, RLE Lossless, JPEG (baseline, extended,
/// progressive, lossless), JPEG-LS and JPEG 2000 pixel data decoded and rendered to PNG (<see cref="FrameRenderer"/>);
/// baseline JPEG frames are sent as stored when no window is asked for (a browser decodes them itself).
/// </summary>
internal sealed record Rendition(string ContentType, byte[] Bytes, int FrameCount)
{
    /// <summary>The largest frame rendered (8,192 × 8,192 16-bit pixels; a mammogram is a fifth of it), so one request cannot take gigabytes.</summary>
    public const long MaxFrameBytes = 128L * 1024 * 1024;

    public const string Jpeg = "image/jpeg";

    private const string JpegBaseline = "1.2.840.10008.1.2.4.50";

    /// <summary>JPEG extended (Process 2 and 4, 8 or 12 bits) and the retired progressive (Process 10 and 12): decoded by Portico.</summary>
    private const string JpegExtended = "1.2.840.10008.1.2.4.51";

    private const string JpegProgressive = "1.2.840.10008.1.2.4.55";

    private const string RleLossless = "1.2.840.10008.1.2.5";

    /// <summary>JPEG Lossless, Process 14 (any selection value, and selection value 1): decoded by Portico.</summary>
    private const string JpegLossless = "1.2.840.10008.1.2.4.57";

    private const string JpegLosslessSv1 = "1.2.840.10008.1.2.4.70";

    /// <summary>JPEG-LS, lossless and near-lossless: decoded by Portico.</summary>
    private const string JpegLs = "1.2.840.10008.1.2.4.80";

    private const string JpegLsNearLossless = "1.2.840.10008.1.2.4.81";

    /// <summary>JPEG 2000, lossless only and lossy: decoded by Portico.</summary>
    private const string Jpeg2000Lossless = "1.2.840.10008.1.2.4.90";

    private const string Jpeg2000 = "1.2.840.10008.1.2.4.91";

    /// <summary>What the caller asked for: which frame (1-based), the window, the largest size, and whether JPEG is acceptable.</summary>
    public sealed record Request(int Frame, VoiWindow? Window, (int Width, int Height)? Viewport, bool AcceptsPng, bool AcceptsJpeg);

    /// <summary>What a viewer needs to know of an instance before asking for its frames: size, frames, windows, or why it cannot be shown.</summary>
    public sealed record Description(int Rows, int Columns, int Frames, IReadOnlyList<VoiWindow> Windows, bool IsMonochrome, double FramesPerSecond, string? Refusal, ImageFacts? Facts = null);

    /// <summary>What a viewer shows beside an image: its Instance Number, where the slice lies and how thick it is, and the size of a pixel in millimetres.</summary>
    public sealed record ImageFacts(string? InstanceNumber, double? SliceLocation, double? SliceThickness, double? PixelSpacingRow, double? PixelSpacingColumn)
    {
        public static ImageFacts From(DicomDataset dataset)
        {
            string[] spacing = dataset.GetStrings(DicomTags.PixelSpacing);
            return new ImageFacts(
                dataset.GetString(DicomTags.InstanceNumber)?.Trim() is { Length: > 0 } number ? number : null,
                Decimal(dataset.GetString(DicomTags.SliceLocation)),
                Decimal(dataset.GetString(DicomTags.SliceThickness)) is > 0 and var thickness ? thickness : null,
                spacing.Length == 2 && Decimal(spacing[0]) is > 0 and var row ? row : null,
                spacing.Length == 2 && Decimal(spacing[1]) is > 0 and var column ? column : null);
        }

        private static double? Decimal(string? value) =>
            double.TryParse(value?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : null;
    }

    /// <summary>Reads the header of a stored instance and says whether and how its frames can be rendered.</summary>
    public static async Task<Description> DescribeAsync(Stream stored, CancellationToken cancellationToken)
    {
        FrameLocator frames;
        try
        {
            frames = await FrameLocator.ReadAsync(stored, cancellationToken);
        }
        catch (FrameException e)
        {
            return new Description(0, 0, 0, [], false, 0, e.Message);
        }

        PixelLayout layout;
        try
        {
            layout = PixelLayout.FromDataset(frames.Dataset);
        }
        catch (RenderingException e)
        {
            return new Description(0, 0, frames.Count, [], false, 0, e.Message);
        }

        string syntax = frames.TransferSyntaxUid;
        string? refusal = Decodable(syntax) ? null : Undecodable(syntax);
        return new Description(layout.Rows, layout.Columns, frames.Count, layout.Windows, layout.IsMonochrome, FrameRate(frames.Dataset), refusal, ImageFacts.From(frames.Dataset));
    }

    /// <summary>The rate a multi-frame instance was recorded at (Recommended Display Frame Rate, Cine Rate, Frame Time), else 0.</summary>
    private static double FrameRate(DicomDataset dataset)
    {
        static double Number(DicomDataset d, DicomTag tag) =>
            double.TryParse(d.GetString(tag)?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0 ? v : 0;

        double rate = Number(dataset, DicomTags.RecommendedDisplayFrameRate);
        rate = rate > 0 ? rate : Number(dataset, DicomTags.CineRate);
        double frameTime = Number(dataset, DicomTags.FrameTime);
        return rate > 0 ? rate : frameTime > 0 ? 1000 / frameTime : 0;
    }

    /// <summary>Pixel data Portico decodes and renders itself: native (little endian), RLE Lossless, JPEG, JPEG-LS, JPEG 2000.</summary>
    private static bool Decodable(string syntax) =>
        syntax == TransferSyntax.ExplicitVRLittleEndian.Uid
        || syntax is RleLossless or JpegBaseline or JpegExtended or JpegProgressive or JpegLossless or JpegLosslessSv1 or JpegLs or JpegLsNearLossless or Jpeg2000Lossless or Jpeg2000;

    private static string Undecodable(string syntax) =>
        $"Portico cannot decode pixel data stored as {TransferSyntax.Find(syntax)?.Name ?? syntax} to show it. Retrieve the frames or the instance instead.";

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
        if (!Decodable(syntax))
        {
            throw new FrameException(Undecodable(syntax));
        }

        // A baseline JPEG frame is sent as stored when it can be: the browser decodes it, and nothing is lost by a
        // second compression. With a window, or to a client that takes only PNG, it is decoded and rendered.
        if (syntax == JpegBaseline && request.AcceptsJpeg && (request.Window is null || !layout.IsMonochrome) && request.Viewport is null)
        {
            return new Rendition(Jpeg, await frames.ReadFrameAsync(stored, request.Frame, MaxFrameBytes, cancellationToken), frames.Count);
        }

        if (!request.AcceptsPng)
        {
            throw new FrameException("Rendered frames are answered as image/png (baseline JPEG frames as stored, image/jpeg, when no window or viewport is asked for).");
        }

        byte[] frame = await frames.ReadFrameAsync(stored, request.Frame, MaxFrameBytes, cancellationToken);
        RenderedImage image;
        try
        {
            (PixelLayout decodedLayout, byte[] pixels, bool planar) = Decode(syntax, layout, frame);
            image = FrameRenderer.Render(decodedLayout, pixels, request.Window, planar);
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

    /// <summary>
    /// The window a grey frame is shown with when none is asked for: the file's first, else the range of the frame's
    /// values (which takes decoding it). Null for colour frames and for frames Portico cannot decode.
    /// </summary>
    public static async Task<VoiWindow?> DefaultWindowAsync(Stream stored, int frameNumber, CancellationToken cancellationToken)
    {
        FrameLocator frames = await FrameLocator.ReadAsync(stored, cancellationToken);
        PixelLayout layout = PixelLayout.FromDataset(frames.Dataset);
        if (!layout.IsMonochrome || !Decodable(frames.TransferSyntaxUid) || frameNumber < 1 || frameNumber > frames.Count)
        {
            return null;
        }

        if (layout.Windows.Count > 0)
        {
            return layout.Windows[0];
        }

        byte[] frame = await frames.ReadFrameAsync(stored, frameNumber, MaxFrameBytes, cancellationToken);
        (PixelLayout decodedLayout, byte[] pixels, _) = Decode(frames.TransferSyntaxUid, layout, frame);
        return FrameRenderer.RangeWindow(decodedLayout, pixels);
    }

    /// <summary>A stored frame as native pixel data, with the layout to render it with and whether its samples are planar.</summary>
    /// <exception cref="RenderingException">The frame is malformed.</exception>
    private static (PixelLayout Layout, byte[] Pixels, bool Planar) Decode(string syntax, PixelLayout layout, byte[] frame) => syntax switch
    {
        RleLossless => (layout, RleDecoder.Decode(layout, frame), true),
        JpegBaseline or JpegExtended or JpegProgressive => (JpegDctDecoder.DecodedLayout(layout, frame), JpegDctDecoder.Decode(layout, frame), false),
        JpegLossless or JpegLosslessSv1 => (layout, JpegLosslessDecoder.Decode(layout, frame), false),
        JpegLs or JpegLsNearLossless => (layout, JpegLsDecoder.Decode(layout, frame), false),
        Jpeg2000Lossless or Jpeg2000 => (layout with { Photometric = Jpeg2000Decoder.RenderedPhotometric(layout), Planar = false }, Jpeg2000Decoder.Decode(layout, frame), false),
        _ => (layout, frame, layout.Planar),
    };
}
