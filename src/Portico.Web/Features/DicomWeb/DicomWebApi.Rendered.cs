using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Portico.Imaging;
using Portico.Index;
using Portico.Storage;

namespace Portico.Web.Features.DicomWeb;

/// <summary>
/// WADO-RS rendered resources and thumbnails (PS3.18 §8.3.5, §9.5.4): one frame as a picture, with the
/// <c>window</c> and <c>viewport</c> parameters. The study and series thumbnails show the middle instance of a series.
/// </summary>
public static partial class DicomWebApi
{
    /// <summary>The size a thumbnail fits into when the caller names no viewport.</summary>
    public const int ThumbnailSize = 128;

    /// <summary>The largest viewport honoured.</summary>
    private const int MaxViewport = 8192;

    /// <summary>Series looked at for a study's thumbnail before giving up (a study of reports and stress tests has no picture).</summary>
    private const int ThumbnailSeriesTried = 8;

    /// <summary>The address of a series' thumbnail fitted into <paramref name="size"/> × <paramref name="size"/>, for the app's pages.</summary>
    internal static string SeriesThumbnailUrl(string study, string series, int size) =>
        $"{RetrieveUrl(Root, Uri.EscapeDataString(study), Uri.EscapeDataString(series), null)}/thumbnail?viewport={size},{size}";

    private static void MapRendered(RouteGroupBuilder api)
    {
        api.MapGet("/studies/{study}/series/{series}/instances/{instance}/rendered", (string study, string series, string instance, HttpContext c, PorticoDbContext db, IBlobStore b) => RenderedAsync(c, db, b, study, series, instance, "1", thumbnail: false))
            .WithName("WadoInstanceRendered").WithSummary("WADO-RS: the instance's first frame as a picture (image/png; baseline JPEG frames as image/jpeg). Parameters window=center,width[,function] and viewport=width,height.");
        api.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered", (string study, string series, string instance, string frames, HttpContext c, PorticoDbContext db, IBlobStore b) => RenderedAsync(c, db, b, study, series, instance, frames, thumbnail: false))
            .WithName("WadoFrameRendered").WithSummary("WADO-RS: one frame as a picture, with window and viewport as for the instance.");
        api.MapGet("/studies/{study}/series/{series}/instances/{instance}/thumbnail", (string study, string series, string instance, HttpContext c, PorticoDbContext db, IBlobStore b) => RenderedAsync(c, db, b, study, series, instance, "1", thumbnail: true))
            .WithName("WadoInstanceThumbnail").WithSummary("WADO-RS: a small picture of the instance (128 × 128 unless viewport says otherwise).");
        api.MapGet("/studies/{study}/series/{series}/thumbnail", (string study, string series, HttpContext c, PorticoDbContext db, IBlobStore b) => ThumbnailAsync(c, db, b, study, series))
            .WithName("WadoSeriesThumbnail").WithSummary("WADO-RS: a small picture of the series' middle instance.");
        api.MapGet("/studies/{study}/thumbnail", (string study, HttpContext c, PorticoDbContext db, IBlobStore b) => ThumbnailAsync(c, db, b, study, null))
            .WithName("WadoStudyThumbnail").WithSummary("WADO-RS: a small picture of the study: the middle instance of its first series with images.");
    }

    private static async Task<IResult> ThumbnailAsync(HttpContext context, PorticoDbContext db, IBlobStore blobs, string study, string? series)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        List<StoredFile> files = await FilesAsync(db, study, series, null, cancellationToken);
        if (files.Count == 0)
        {
            return NotFound(study, series, null);
        }

        // The middle instance of each series, first series first; for a study, the first that has a picture.
        var candidates = files.GroupBy(f => f.SeriesInstanceUid).Select(g => g.ElementAt(g.Count() / 2)).Take(ThumbnailSeriesTried).ToList();
        IResult? last = null;
        foreach (StoredFile file in candidates)
        {
            last = await RenderedAsync(context, db, blobs, study, file.SeriesInstanceUid, file.SopInstanceUid, "1", thumbnail: true, file);
            if (last is not ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound or StatusCodes.Status406NotAcceptable } || series is not null)
            {
                return last;
            }
        }

        return last is ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound }
            ? TypedResults.Problem($"No instance of study {study} has pixel data.", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : last!;
    }

    private static async Task<IResult> RenderedAsync(
        HttpContext context, PorticoDbContext db, IBlobStore blobs, string study, string series, string instance, string frameText, bool thumbnail, StoredFile? known = null)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        if (!int.TryParse(frameText, NumberStyles.None, CultureInfo.InvariantCulture, out int frame) || frame < 1)
        {
            return TypedResults.Problem($"'{frameText}' is not one frame number: a rendered resource is one frame (1, 2, ...).", statusCode: StatusCodes.Status400BadRequest, title: "Invalid frame number");
        }

        if (!TryReadRenderParameters(context.Request, out VoiWindow? window, out (int, int)? viewport, out string problem))
        {
            return TypedResults.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "Invalid parameter");
        }

        (bool png, bool jpeg) = AcceptedPictures(context.Request);
        if (!png && !jpeg)
        {
            return NotAcceptable("Rendered frames are answered as image/png (baseline JPEG frames as image/jpeg).");
        }

        StoredFile? file = known ?? (await FilesAsync(db, study, series, instance, cancellationToken)).FirstOrDefault();
        if (file is null)
        {
            return NotFound(study, series, instance);
        }

        viewport ??= thumbnail ? (ThumbnailSize, ThumbnailSize) : null;

        // The stored file decides the picture, so its content hash and the parameters make the validator.
        string etag = EntityTag(file.BlobKey, frame, window, viewport, png, jpeg);
        context.Response.Headers.CacheControl = "private, no-cache";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        Rendition rendition;
        await using (Stream stream = blobs.OpenRead(BlobKey.Parse(file.BlobKey)))
        {
            try
            {
                rendition = await Rendition.RenderAsync(stream, new Rendition.Request(frame, window, viewport, png, jpeg), cancellationToken);
            }
            catch (FrameException e)
            {
                context.Response.Headers.Remove(HeaderNames.ETag);
                return TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: e.StatusCode switch
                {
                    StatusCodes.Status404NotFound => "Not found",
                    StatusCodes.Status406NotAcceptable => "Not acceptable",
                    _ => "Cannot render",
                });
            }
        }

        return TypedResults.Bytes(rendition.Bytes, rendition.ContentType);
    }

    /// <summary>Reads <c>window</c> and <c>viewport</c>; other rendering parameters (annotation, quality, ICC profile) are ignored.</summary>
    private static bool TryReadRenderParameters(HttpRequest request, out VoiWindow? window, out (int, int)? viewport, out string problem)
    {
        window = null;
        viewport = null;
        problem = "";
        if (request.Query.TryGetValue("window", out var windowText))
        {
            if (!VoiWindow.TryParse(windowText.ToString(), out VoiWindow parsed))
            {
                problem = $"window='{windowText}' is not center,width[,function]: numbers, a width of at least 1, and linear, linear_exact or sigmoid.";
                return false;
            }

            window = parsed;
        }

        if (request.Query.TryGetValue("viewport", out var viewportText))
        {
            string[] parts = viewportText.ToString().Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int height)
                || width is < 1 or > MaxViewport || height is < 1 or > MaxViewport)
            {
                problem = $"viewport='{viewportText}' is not width,height in pixels (1 to {MaxViewport}); cropping is not supported.";
                return false;
            }

            viewport = (width, height);
        }

        return true;
    }

    /// <summary>Whether the Accept header lets a PNG and a JPEG picture through (both when it names none).</summary>
    private static (bool Png, bool Jpeg) AcceptedPictures(HttpRequest request)
    {
        IList<MediaTypeHeaderValue> accepted = request.GetTypedHeaders().Accept;
        if (accepted.Count == 0)
        {
            return (true, true);
        }

        bool Fits(string type) => accepted.Any(range => range.Quality is not 0
            && (range.MediaType.Value is "*/*" or "image/*" || range.MediaType.Equals(type, StringComparison.OrdinalIgnoreCase)));
        return (Fits(PngEncoder.MediaType), Fits(Rendition.Jpeg));
    }

    private static string EntityTag(string blobKey, int frame, VoiWindow? window, (int Width, int Height)? viewport, bool png, bool jpeg)
    {
        string key = $"{blobKey}|{frame}|{window}|{viewport}|{png}|{jpeg}";
        return $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 12))}\"";
    }
}
