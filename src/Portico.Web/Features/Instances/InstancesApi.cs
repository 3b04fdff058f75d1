using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Studies;
using Portico.Ingest;
using Portico.Ingest.Pipeline;
using Portico.Web.Security;

namespace Portico.Web.Features.Instances;

/// <summary><c>/api/instances</c>: upload (DICOM, ZIP, multipart), lookup before upload, metadata and file download.</summary>
public static class InstancesApi
{
    public static IEndpointRouteBuilder MapInstancesApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/instances").WithTags("Instances");
        api.MapPost("/", UploadAsync)
            .RequireAuthorization(Permissions.StudiesUpload)
            .WithName("UploadInstances")
            .WithSummary("Upload DICOM files: one file (application/dicom), a ZIP archive (application/zip) or several files (multipart/form-data).")
            .Produces<InstanceUploadResult[]>()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapPost("/lookup", LookupAsync)
            .RequireAuthorization(Permissions.StudiesUpload)
            .WithName("LookupInstances")
            .WithSummary("Which of these SOP Instance UIDs are already stored (clients skip them before sending bytes).");
        api.MapGet("/{sopInstanceUid}", GetMetadataAsync)
            .RequireAuthorization(Permissions.StudiesView)
            .WithName("GetInstance")
            .WithSummary("The instance's data set as DICOM JSON (PS3.18 Annex F), bulk data omitted.");
        api.MapGet("/{sopInstanceUid}/file", GetFileAsync)
            .RequireAuthorization(Permissions.StudiesView)
            .WithName("GetInstanceFile")
            .WithSummary("The instance's DICOM file as stored.");
        return app;
    }

    public sealed record LookupRequest(string[] SopInstanceUids);

    public sealed record LookupResponse(string[] Stored);

    private static async Task<Results<Ok<InstanceUploadResult[]>, ProblemHttpResult>> UploadAsync(
        HttpContext context,
        UploadReceiver receiver,
        IOptions<IngestOptions> ingestOptions,
        CancellationToken cancellationToken)
    {
        // Answered once every file is durable; the index rows follow within milliseconds, and any later request waits for
        // them (read-your-writes), unless Portico:Ingest:AnswerAfterIndexCommit asks to answer after the commit.
        bool waitForIndex = ingestOptions.Value.AnswerAfterIndexCommit;
        // Uploads are streamed to disk, so the request body is not limited here; every file and archive is.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        string? contentType = context.Request.ContentType;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? mediaType))
        {
            return UnsupportedType(contentType);
        }

        var source = context.User.ToIngestSource(context.Connection.RemoteIpAddress?.ToString());
        string fileName = FileNameFrom(context.Request.Headers.ContentDisposition) ?? "upload";
        List<InstanceUploadResult> results;
        switch (mediaType.MediaType.Value?.ToLowerInvariant())
        {
            case "application/dicom":
                results = [await receiver.ReceiveDicomAsync(context.Request.Body, context.Request.ContentLength, fileName, source, waitForIndex, cancellationToken)];
                break;
            case "application/zip" or "application/x-zip-compressed":
                results = await receiver.ReceiveZipAsync(context.Request.Body, context.Request.ContentLength, fileName, source, waitForIndex, cancellationToken);
                break;
            case "multipart/form-data":
                string? boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
                if (string.IsNullOrEmpty(boundary))
                {
                    return TypedResults.Problem("The multipart/form-data request has no boundary.", statusCode: StatusCodes.Status400BadRequest);
                }

                results = await ReceiveMultipartAsync(new MultipartReader(boundary, context.Request.Body), receiver, source, waitForIndex, cancellationToken);
                break;
            default:
                return UnsupportedType(contentType);
        }

        return TypedResults.Ok(results.ToArray());
    }

    private static async Task<List<InstanceUploadResult>> ReceiveMultipartAsync(MultipartReader reader, UploadReceiver receiver, IngestSource source, bool waitForIndex, CancellationToken cancellationToken)
    {
        var results = new List<InstanceUploadResult>();
        int index = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            index++;
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition) || !disposition.IsFileDisposition())
            {
                continue; // form fields carry nothing to store
            }

            string name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? $"file{index}";
            bool zip = section.ContentType is "application/zip" or "application/x-zip-compressed" || name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
            if (zip)
            {
                results.AddRange(await receiver.ReceiveZipAsync(section.Body, length: null, name, source, waitForIndex, cancellationToken));
            }
            else
            {
                results.Add(await receiver.ReceiveDicomAsync(section.Body, length: null, name, source, waitForIndex, cancellationToken));
            }
        }

        return results;
    }

    private static async Task<Ok<LookupResponse>> LookupAsync(LookupRequest request, PorticoDbContext db, CancellationToken cancellationToken)
    {
        string[] uids = request.SopInstanceUids.Where(u => !string.IsNullOrEmpty(u)).Distinct(StringComparer.Ordinal).Take(10_000).ToArray();
        var stored = new List<string>(uids.Length);
        foreach (string[] chunk in uids.Chunk(500))
        {
            stored.AddRange(await db.Instances.AsNoTracking().Where(i => chunk.Contains(i.SopInstanceUid)).Select(i => i.SopInstanceUid).ToListAsync(cancellationToken));
        }

        return TypedResults.Ok(new LookupResponse([.. stored]));
    }

    private static async Task<Results<ContentHttpResult, NotFound>> GetMetadataAsync(string sopInstanceUid, PorticoDbContext db, Portico.Storage.IBlobStore blobs, CancellationToken cancellationToken)
    {
        string? blobKey = await db.Instances.BlobKeyOfAsync(sopInstanceUid, cancellationToken);
        if (blobKey is null)
        {
            return TypedResults.NotFound();
        }

        await using Stream stream = blobs.OpenRead(Portico.Storage.BlobKey.Parse(blobKey));
        Portico.Dicom.IO.DicomFile file = await Portico.Dicom.IO.DicomFile.ReadAsync(stream, Portico.Dicom.IO.DicomFileReadOptions.HeaderOnly, cancellationToken);
        return TypedResults.Content(Portico.Dicom.Json.DicomJsonWriter.Serialize(file.Dataset), "application/dicom+json");
    }

    private static async Task<Results<FileStreamHttpResult, NotFound>> GetFileAsync(string sopInstanceUid, PorticoDbContext db, Portico.Storage.IBlobStore blobs, CancellationToken cancellationToken)
    {
        string? blobKey = await db.Instances.BlobKeyOfAsync(sopInstanceUid, cancellationToken);
        if (blobKey is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.File(blobs.OpenRead(Portico.Storage.BlobKey.Parse(blobKey)), "application/dicom", sopInstanceUid + ".dcm");
    }

    private static ProblemHttpResult UnsupportedType(string? contentType) =>
        TypedResults.Problem(
            $"Send DICOM as application/dicom, a ZIP archive as application/zip, or several files as multipart/form-data (got '{contentType ?? "none"}').",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type");

    private static string? FileNameFrom(string? contentDisposition) =>
        contentDisposition is not null && ContentDispositionHeaderValue.TryParse(contentDisposition, out ContentDispositionHeaderValue? value)
            ? HeaderUtilities.RemoveQuotes(value.FileNameStar.HasValue ? value.FileNameStar : value.FileName).Value
            : null;
}
