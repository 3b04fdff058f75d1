using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Json;
using Portico.Dicom.Network.Services;
using Portico.Dicom.Values;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.QueryRetrieve;
using Portico.Index.Studies;
using Portico.Ingest;
using Portico.Ingest.Dicom;
using Portico.Ingest.Pipeline;
using Portico.Storage;
using Portico.Web.Security;

namespace Portico.Web.Features.DicomWeb;

/// <summary>
/// DICOMweb (PS3.18) at <c>/api/dicomweb</c>, for viewers and other archives: QIDO-RS searches (the C-FIND matching of
/// <see cref="DicomQueries"/>), WADO-RS retrieval of instances as stored and of their metadata, and STOW-RS storage
/// through the ingest pipeline, so a file sent this way is validated, de-duplicated and made durable like any other.
/// </summary>
public static partial class DicomWebApi
{
    public const string Root = "/api/dicomweb";

    private const string DicomJson = "application/dicom+json";

    private static readonly DicomJsonOptions WithoutPixelData = new() { IncludeNotLoaded = false };

    public static IEndpointRouteBuilder MapDicomWebApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup(Root).WithTags("DICOMweb");

        api.MapGet("/studies", (HttpContext c, PorticoDbContext db) => SearchAsync(c, new DicomQueries(db), QueryRetrieveLevel.Study, null, null))
            .WithName("QidoStudies").WithSummary("QIDO-RS: search for studies (DICOM JSON).");
        api.MapGet("/series", (HttpContext c, PorticoDbContext db) => SearchAsync(c, new DicomQueries(db), QueryRetrieveLevel.Series, null, null))
            .WithName("QidoSeries").WithSummary("QIDO-RS: search for series in all studies.");
        api.MapGet("/instances", (HttpContext c, PorticoDbContext db) => SearchAsync(c, new DicomQueries(db), QueryRetrieveLevel.Image, null, null))
            .WithName("QidoInstances").WithSummary("QIDO-RS: search for instances in all studies.");
        api.MapGet("/studies/{study}/series", (string study, HttpContext c, PorticoDbContext db) => SearchAsync(c, new DicomQueries(db), QueryRetrieveLevel.Series, study, null))
            .WithName("QidoStudySeries").WithSummary("QIDO-RS: search for a study's series.");
        api.MapGet("/studies/{study}/instances", (string study, HttpContext c, PorticoDbContext db) => SearchAsync(c, new DicomQueries(db), QueryRetrieveLevel.Image, study, null))
            .WithName("QidoStudyInstances").WithSummary("QIDO-RS: search for a study's instances.");
        api.MapGet("/studies/{study}/series/{series}/instances", (string study, string series, HttpContext c, PorticoDbContext db) => SearchAsync(c, new DicomQueries(db), QueryRetrieveLevel.Image, study, series))
            .WithName("QidoSeriesInstances").WithSummary("QIDO-RS: search for a series' instances.");

        api.MapGet("/studies/{study}", (string study, HttpContext c, PorticoDbContext db, IBlobStore b) => RetrieveAsync(c, db, b, study, null, null))
            .WithName("WadoStudy").WithSummary("WADO-RS: every instance of the study, as stored (multipart/related; type=\"application/dicom\").");
        api.MapGet("/studies/{study}/series/{series}", (string study, string series, HttpContext c, PorticoDbContext db, IBlobStore b) => RetrieveAsync(c, db, b, study, series, null))
            .WithName("WadoSeries").WithSummary("WADO-RS: every instance of the series, as stored.");
        api.MapGet("/studies/{study}/series/{series}/instances/{instance}", (string study, string series, string instance, HttpContext c, PorticoDbContext db, IBlobStore b) => RetrieveAsync(c, db, b, study, series, instance))
            .WithName("WadoInstance").WithSummary("WADO-RS: one instance, as stored.");
        api.MapGet("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}", (string study, string series, string instance, string frames, HttpContext c, PorticoDbContext db, IBlobStore b) => FramesAsync(c, db, b, study, series, instance, frames))
            .WithName("WadoFrames").WithSummary("WADO-RS: frames of an instance (a comma-separated list, from 1), as stored: native pixel data little endian, encapsulated frames in their transfer syntax.");
        api.MapGet("/studies/{study}/metadata", (string study, HttpContext c, PorticoDbContext db, IBlobStore b) => MetadataAsync(c, db, b, study, null, null))
            .WithName("WadoStudyMetadata").WithSummary("WADO-RS: the study's instances as DICOM JSON, pixel data left out.");
        api.MapGet("/studies/{study}/series/{series}/metadata", (string study, string series, HttpContext c, PorticoDbContext db, IBlobStore b) => MetadataAsync(c, db, b, study, series, null))
            .WithName("WadoSeriesMetadata").WithSummary("WADO-RS: the series' instances as DICOM JSON.");
        api.MapGet("/studies/{study}/series/{series}/instances/{instance}/metadata", (string study, string series, string instance, HttpContext c, PorticoDbContext db, IBlobStore b) => MetadataAsync(c, db, b, study, series, instance))
            .WithName("WadoInstanceMetadata").WithSummary("WADO-RS: one instance as DICOM JSON.");
        MapRendered(api);

        api.RequireAuthorization(Permissions.StudiesView);

        // Outside the group's policy: storing needs Studies.Upload, not Studies.View.
        app.MapPost(Root + "/studies", StoreAsync)
            .WithTags("DICOMweb")
            .RequireAuthorization(Permissions.StudiesUpload)
            .WithName("StowStudies")
            .WithSummary("STOW-RS: store instances sent as multipart/related; type=\"application/dicom\".");
        return app;
    }

    /// <summary>Whether <paramref name="request"/> is a STOW-RS upload (it does not wait for earlier index commits).</summary>
    public static bool IsStore(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(Root + "/studies", StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> SearchAsync(HttpContext context, DicomQueries queries, QueryRetrieveLevel level, string? study, string? series)
    {
        if (!Accepts(context.Request, DicomJson, "application/json"))
        {
            return NotAcceptable($"QIDO-RS answers {DicomJson}.");
        }

        CancellationToken cancellationToken = context.RequestAborted;
        var matches = new List<DicomDataset>();
        QidoRequest request;
        try
        {
            request = QidoRequest.Parse(level, study, series, context.Request.Query);
            var limits = new QueryLimits { MaxMatches = request.Limit + 1, Offset = request.Offset };
            await foreach (DicomDataset match in queries.FindAsync(QueryRetrieveModel.StudyRoot, request.Identifier, limits, request.Relational, cancellationToken))
            {
                matches.Add(match);
            }
        }
        catch (InvalidQueryException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid QIDO-RS query");
        }

        var warnings = new List<string>();
        if (request.Unsupported.Count > 0)
        {
            warnings.Add("The following attributes are not supported for matching and were ignored: " + string.Join(", ", request.Unsupported));
        }

        if (matches.Count > request.Limit)
        {
            matches.RemoveAt(matches.Count - 1);
            warnings.Add($"There are more matches than the {request.Limit} returned; ask for the next ones with offset={request.Offset + request.Limit}.");
        }

        AddWarnings(context.Response, warnings);
        string root = BaseUrl(context.Request);
        foreach (DicomDataset match in matches)
        {
            match.Remove(DicomTags.QueryRetrieveLevel);
            match.AddOrUpdate(DicomTags.RetrieveURL, DicomVR.UR, RetrieveUrl(root, match.GetString(DicomTags.StudyInstanceUID), level >= QueryRetrieveLevel.Series ? match.GetString(DicomTags.SeriesInstanceUID) : null, level == QueryRetrieveLevel.Image ? match.GetString(DicomTags.SOPInstanceUID) : null));
        }

        context.Response.ContentType = DicomJson;
        await WriteJsonArrayAsync(context.Response, matches.ToAsyncEnumerable(), cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<IResult> RetrieveAsync(HttpContext context, PorticoDbContext db, IBlobStore blobs, string study, string? series, string? instance)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        List<StoredFile> files = await FilesAsync(db, study, series, instance, cancellationToken);
        if (files.Count == 0)
        {
            return NotFound(study, series, instance);
        }

        if (!AcceptsAsStored(context.Request, IsDicomPart, [.. files.Select(f => f.TransferSyntaxUid)], "instances", out string refusal))
        {
            return NotAcceptable(refusal.Length > 0 ? refusal : "WADO-RS retrieval answers multipart/related; type=\"application/dicom\". Frames are at .../frames/{list}, pictures at .../rendered; bulk data URIs are not supported.");
        }

        var parts = new MultipartRelated(context.Response, "application/dicom");
        foreach (StoredFile file in files)
        {
            await parts.StartPartAsync($"application/dicom; transfer-syntax={file.TransferSyntaxUid}", cancellationToken);
            await using (Stream source = blobs.OpenRead(BlobKey.Parse(file.BlobKey)))
            {
                await source.CopyToAsync(parts.Body, cancellationToken);
            }
        }

        await parts.EndAsync(cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<IResult> FramesAsync(HttpContext context, PorticoDbContext db, IBlobStore blobs, string study, string series, string instance, string frameList)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        int[] numbers = [.. frameList.Split(',').Select(f => int.TryParse(f.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 0)];
        if (numbers.Length == 0 || numbers.Contains(0))
        {
            return TypedResults.Problem($"'{frameList}' is not a list of frame numbers (1, 2, ... separated by commas).", statusCode: StatusCodes.Status400BadRequest, title: "Invalid frame list");
        }

        List<StoredFile> files = await FilesAsync(db, study, series, instance, cancellationToken);
        if (files.Count == 0)
        {
            return NotFound(study, series, instance);
        }

        await using Stream stream = blobs.OpenRead(BlobKey.Parse(files[0].BlobKey));
        FrameLocator frames;
        try
        {
            frames = await FrameLocator.ReadAsync(stream, cancellationToken);
        }
        catch (FrameException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode, title: e.StatusCode == StatusCodes.Status404NotFound ? "Not found" : "Not acceptable");
        }

        if (numbers.FirstOrDefault(n => n > frames.Count) is > 0 and int missing)
        {
            return TypedResults.Problem($"There is no frame {missing}: the instance has {frames.Count}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        if (!AcceptsAsStored(context.Request, IsFramePart, [frames.TransferSyntaxUid], "frames", out string refusal))
        {
            return NotAcceptable(refusal.Length > 0 ? refusal : "Frames are answered as multipart/related; type=\"application/octet-stream\". For a picture, ask for .../frames/{n}/rendered.");
        }

        var parts = new MultipartRelated(context.Response, "application/octet-stream");
        byte[] buffer = new byte[64 * 1024];
        foreach (int number in numbers)
        {
            await parts.StartPartAsync($"application/octet-stream; transfer-syntax={frames.TransferSyntaxUid}", cancellationToken);
            foreach (FrameLocator.Segment segment in frames.Frame(number))
            {
                await segment.CopyToAsync(stream, parts.Body, buffer, cancellationToken);
            }
        }

        await parts.EndAsync(cancellationToken);
        return TypedResults.Empty;
    }

    /// <summary>A media range WADO-RS retrieval of instances answers: <c>application/dicom</c>, bare or in multipart/related.</summary>
    private static bool IsDicomPart(string media, string type) =>
        media is "*/*" or "multipart/*" or "application/dicom" || (media == "multipart/related" && type is "" or "application/dicom");

    /// <summary>A media range frames are answered in: <c>application/octet-stream</c>, or an image or video type, in multipart/related.</summary>
    private static bool IsFramePart(string media, string type) =>
        media is "*/*" or "multipart/*" or "application/octet-stream"
        || (media == "multipart/related" && (type is "" or "application/octet-stream" || type.StartsWith("image/", StringComparison.Ordinal) || type.StartsWith("video/", StringComparison.Ordinal)));

    private static async Task<IResult> MetadataAsync(HttpContext context, PorticoDbContext db, IBlobStore blobs, string study, string? series, string? instance)
    {
        if (!Accepts(context.Request, DicomJson, "application/json"))
        {
            return NotAcceptable($"Metadata is answered as {DicomJson}.");
        }

        CancellationToken cancellationToken = context.RequestAborted;
        List<StoredFile> files = await FilesAsync(db, study, series, instance, cancellationToken);
        if (files.Count == 0)
        {
            return NotFound(study, series, instance);
        }

        context.Response.ContentType = DicomJson;
        // The pixel data is not read, and Portico serves no bulk data URIs: it is left out rather than shown empty.
        await WriteJsonArrayAsync(context.Response, HeadersAsync(blobs, files, cancellationToken), cancellationToken, WithoutPixelData);
        return TypedResults.Empty;
    }

    /// <summary>Each file's data set up to its pixel data, read one at a time as the answer is written.</summary>
    private static async IAsyncEnumerable<DicomDataset> HeadersAsync(IBlobStore blobs, List<StoredFile> files, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (StoredFile file in files)
        {
            await using Stream stream = blobs.OpenRead(BlobKey.Parse(file.BlobKey));
            DicomFile parsed = await DicomFile.ReadAsync(stream, DicomFileReadOptions.HeaderOnly, cancellationToken);
            yield return parsed.Dataset;
        }
    }

    private static async Task<IResult> StoreAsync(
        HttpContext context, IngestPipeline pipeline, IOptions<IngestOptions> ingestOptions)
    {
        CancellationToken cancellationToken = context.RequestAborted;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // streamed to disk part by part; each file is limited by the pipeline
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out MediaTypeHeaderValue? mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/related", StringComparison.OrdinalIgnoreCase))
        {
            return UnsupportedType($"STOW-RS takes multipart/related; type=\"application/dicom\" (got '{context.Request.ContentType ?? "none"}').");
        }

        if (Parameter(mediaType, "type") is { } type && !type.Equals("application/dicom", StringComparison.OrdinalIgnoreCase))
        {
            return UnsupportedType($"Portico stores DICOM files (type=\"application/dicom\"); metadata with bulk data ('{type}') is not supported.");
        }

        string? boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return TypedResults.Problem("The multipart/related request has no boundary.", statusCode: StatusCodes.Status400BadRequest);
        }

        IngestSource source = context.User.ToIngestSource(context.Connection.RemoteIpAddress?.ToString());
        bool waitForIndex = ingestOptions.Value.AnswerAfterIndexCommit;
        ConflictPolicy onConflict = ingestOptions.Value.OnConflict;
        var answer = new StowAnswer(BaseUrl(context.Request));
        var reader = new MultipartReader(boundary, context.Request.Body);
        try
        {
            int index = 0;
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                index++;
                if (section.ContentType is { } partType
                    && !(MediaTypeHeaderValue.TryParse(partType, out MediaTypeHeaderValue? part) && part.MediaType.Equals("application/dicom", StringComparison.OrdinalIgnoreCase)))
                {
                    answer.Refused(index, "Part is not application/dicom.");
                    continue;
                }

                IngestOutcome outcome = await pipeline.IngestStreamAsync(section.Body, length: null, source, waitForIndex, cancellationToken);
                DimseResult result = CStoreTarget.ToDimse(outcome, outcome.SopInstanceUid ?? "", onConflict);
                answer.Add(index, outcome, result);
            }
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            // A body that breaks off mid-part: what came whole is stored and answered; the rest is said.
            answer.BrokenOff(e.Message);
        }

        if (answer.Parts == 0)
        {
            return TypedResults.Problem("The request holds no part to store.", statusCode: StatusCodes.Status400BadRequest, title: "Nothing to store");
        }

        AddWarnings(context.Response, answer.Warnings);
        context.Response.StatusCode = answer.StatusCode;
        context.Response.ContentType = DicomJson;
        await WriteJsonAsync(context.Response, answer.ToDataset(), cancellationToken);
        return TypedResults.Empty;
    }

    private sealed record StoredFile(string SeriesInstanceUid, string SopInstanceUid, string BlobKey, string TransferSyntaxUid);

    private static Task<List<StoredFile>> FilesAsync(PorticoDbContext db, string study, string? series, string? instance, CancellationToken cancellationToken) =>
        db.Instances.AsNoTracking()
            .Where(i => i.Series.Study.StudyInstanceUid == study)
            .Where(i => series == null || i.Series.SeriesInstanceUid == series)
            .Where(i => instance == null || i.SopInstanceUid == instance)
            .OrderBy(i => i.Series.SeriesNumber).ThenBy(i => i.Series.SeriesInstanceUid).ThenBy(i => i.InstanceNumber).ThenBy(i => i.SopInstanceUid)
            .Select(i => new StoredFile(i.Series.SeriesInstanceUid, i.SopInstanceUid, i.BlobKey, i.TransferSyntaxUid))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// WADO-RS sends instances and frames as stored (Portico does not transcode). The Accept ranges of the right media
    /// type (<paramref name="fits"/>, given the media type and its <c>type</c> parameter, lower case) are honoured when one
    /// has no transfer syntax or <c>*</c>, or when together they name every transfer syntax in <paramref name="stored"/>.
    /// </summary>
    /// <param name="refusal">Why not, or empty when no range is of the right media type (the caller says which it answers).</param>
    private static bool AcceptsAsStored(HttpRequest request, Func<string, string, bool> fits, IReadOnlyCollection<string> stored, string what, out string refusal)
    {
        refusal = "";
        IList<MediaTypeHeaderValue> accepted = request.GetTypedHeaders().Accept;
        if (accepted.Count == 0)
        {
            return true;
        }

        var syntaxes = new HashSet<string>(StringComparer.Ordinal);
        foreach (MediaTypeHeaderValue range in accepted)
        {
            string media = range.MediaType.Value?.ToLowerInvariant() ?? "";
            if (fits(media, Parameter(range, "type")?.ToLowerInvariant() ?? ""))
            {
                syntaxes.Add(Parameter(range, "transfer-syntax") ?? "*");
            }
        }

        if (syntaxes.Count == 0)
        {
            return false;
        }

        if (syntaxes.Contains("*") || stored.All(syntaxes.Contains))
        {
            return true;
        }

        refusal = $"Portico sends {what} as stored and does not transcode; these are in {string.Join(", ", stored.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}. Ask with transfer-syntax=* or one of those.";
        return false;
    }

    private static string? Parameter(MediaTypeHeaderValue range, string name) =>
        range.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } parameter
            ? HeaderUtilities.RemoveQuotes(parameter.Value).Value
            : null;

    private static bool Accepts(HttpRequest request, params string[] types)
    {
        IList<MediaTypeHeaderValue> accepted = request.GetTypedHeaders().Accept;
        return accepted.Count == 0 || accepted.Any(range =>
            range.MediaType.Value is "*/*" or "application/*" || types.Any(t => range.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase)));
    }

    private static async Task WriteJsonArrayAsync(HttpResponse response, IAsyncEnumerable<DicomDataset> datasets, CancellationToken cancellationToken, DicomJsonOptions? options = null)
    {
        await using var writer = new Utf8JsonWriter(response.BodyWriter, DicomJsonWriter.WriterOptions);
        writer.WriteStartArray();
        await foreach (DicomDataset dataset in datasets.WithCancellation(cancellationToken))
        {
            DicomJsonWriter.Write(writer, dataset, options);
            await response.BodyWriter.FlushAsync(cancellationToken);
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
    }

    private static async Task WriteJsonAsync(HttpResponse response, DicomDataset dataset, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(response.BodyWriter, DicomJsonWriter.WriterOptions);
        DicomJsonWriter.Write(writer, dataset);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>RFC 9111 warnings (299, miscellaneous persistent), as PS3.18 §8.4.3 asks for partial answers.</summary>
    private static void AddWarnings(HttpResponse response, IEnumerable<string> warnings)
    {
        foreach (string warning in warnings.Take(20))
        {
            response.Headers.Append(HeaderNames.Warning, $"299 portico \"{warning.Replace("\"", "'", StringComparison.Ordinal).Replace("\\", "/", StringComparison.Ordinal)}\"");
        }
    }

    internal static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Root}";

    internal static string RetrieveUrl(string root, string? study, string? series, string? instance)
    {
        var url = new StringBuilder(root).Append("/studies/").Append(study);
        if (series is not null)
        {
            url.Append("/series/").Append(series);
        }

        if (instance is not null)
        {
            url.Append("/instances/").Append(instance);
        }

        return url.ToString();
    }

    private static ProblemHttpResult NotFound(string study, string? series, string? instance) =>
        TypedResults.Problem(
            (instance, series) switch
            {
                (not null, _) => $"No instance {instance} in series {series} of study {study}.",
                (null, not null) => $"No series {series} in study {study}.",
                _ => $"No study {study}.",
            },
            statusCode: StatusCodes.Status404NotFound,
            title: "Not found");

    private static ProblemHttpResult NotAcceptable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status406NotAcceptable, title: "Not acceptable");

    private static ProblemHttpResult UnsupportedType(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
}
