using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Portico.Index.Access;
using Portico.Web.Features.Instances;
using Portico.Web.Security;

namespace Portico.Web.Features.Uploads;

/// <summary>
/// Resumable uploads, tus 1.0.0 (core; creation, creation-with-upload, termination, expiration and checksum), at
/// <c>/api/uploads</c>. A finished upload (a DICOM file or a ZIP archive) goes through the ingest pipeline; its
/// outcomes are at <c>/api/uploads/{id}/outcome</c>. Every upload belongs to whoever created it.
/// </summary>
public static class UploadsApi
{
    public const string TusVersion = "1.0.0";
    public const string OffsetOctetStream = "application/offset+octet-stream";
    private const string Extensions = "creation,creation-with-upload,termination,expiration,checksum";
    private const int MaxMetadataLength = 8 * 1024;

    public static IEndpointRouteBuilder MapUploadsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/uploads").WithTags("Uploads").RequireAuthorization(Permissions.StudiesUpload);
        api.MapTus(StaffProfile.Instance, "Upload");
        api.MapGet("/", List)
            .WithName("ListUploads").WithSummary("The caller's uploads that have not expired, newest first.");
        api.MapGet("/{id}/outcome", OutcomeAsync)
            .WithName("GetUploadOutcome").WithSummary("What happened to each instance of a finished upload; waitSeconds (at most 60) waits for processing to finish.");
        return app;
    }

    /// <summary>
    /// The tus 1.0.0 protocol on <paramref name="api"/> (OPTIONS, POST, HEAD, PATCH, DELETE), with what
    /// <paramref name="profile"/> decides: who owns an upload and what happens once it is complete.
    /// </summary>
    public static RouteGroupBuilder MapTus(this RouteGroupBuilder api, TusProfile profile, string namePrefix)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(profile);
        api.AddEndpointFilter(TusHeadersAsync);
        api.MapMethods("/", [HttpMethods.Options], Discover)
            .WithName($"Discover{namePrefix}s").WithSummary("tus discovery: version, extensions, maximum size and checksum algorithms.");
        api.MapPost("/", (HttpContext context, UploadStore store, CancellationToken cancellationToken) => CreateAsync(context, store, profile, cancellationToken))
            .WithName($"Create{namePrefix}").WithSummary("tus creation (and creation-with-upload): Upload-Length, optional Upload-Metadata and first bytes. At most Portico:Uploads:MaxFileBytes (2 GB).");
        api.MapMethods("/{id}", [HttpMethods.Head], (string id, HttpContext context, UploadStore store) => Head(id, context, store, profile))
            .WithName($"Get{namePrefix}Offset").WithSummary("tus: the bytes received so far (Upload-Offset).");
        api.MapPatch("/{id}", (string id, HttpContext context, UploadStore store, CancellationToken cancellationToken) => AppendAsync(id, context, store, profile, cancellationToken))
            .WithName($"Append{namePrefix}").WithSummary("tus: append bytes at Upload-Offset (application/offset+octet-stream), optionally with Upload-Checksum.");
        api.MapDelete("/{id}", (string id, HttpContext context, UploadStore store, CancellationToken cancellationToken) => TerminateAsync(id, context, store, profile, cancellationToken))
            .WithName($"Terminate{namePrefix}").WithSummary("tus termination: discard an upload.");
        return api;
    }

    /// <summary>tus needs X-HTTP-Method-Override for clients that cannot send PATCH or DELETE; runs before routing.</summary>
    public static IApplicationBuilder UseUploadMethodOverride(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method)
                && (context.Request.Path.StartsWithSegments("/api/uploads", StringComparison.OrdinalIgnoreCase)
                    || context.Request.Path.StartsWithSegments("/api/portal/uploads", StringComparison.OrdinalIgnoreCase))
                && context.Request.Headers["X-HTTP-Method-Override"].ToString() is { Length: > 0 } method
                && (HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method) || HttpMethods.IsHead(method)))
            {
                context.Request.Method = method.ToUpperInvariant();
            }

            return next(context);
        });

    public sealed record UploadSummary(string Id, string FileName, UploadState State, long Offset, long Length, DateTime CreatedAt, DateTime ExpiresAt);

    /// <param name="Waiting">While the upload is Processing but not processed yet: why (the malware scanner is not available).</param>
    public sealed record UploadOutcome(string Id, string FileName, UploadState State, long Offset, long Length, DateTime ExpiresAt, InstanceUploadResult[] Results, string? Error, string? Waiting = null);

    private static async ValueTask<object?> TusHeadersAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        HttpContext context = invocation.HttpContext;
        context.Response.Headers["Tus-Resumable"] = TusVersion;
        context.Response.Headers.CacheControl = "no-store";
        bool outcome = context.Request.Path.Value?.EndsWith("/outcome", StringComparison.Ordinal) ?? false;
        bool list = HttpMethods.IsGet(context.Request.Method) && !outcome;
        if (!HttpMethods.IsOptions(context.Request.Method) && !outcome && !list && context.Request.Headers["Tus-Resumable"] != TusVersion)
        {
            context.Response.Headers["Tus-Version"] = TusVersion;
            return TypedResults.Problem("This server speaks tus 1.0.0: send 'Tus-Resumable: 1.0.0'.", statusCode: StatusCodes.Status412PreconditionFailed, title: "Unsupported tus version");
        }

        return await next(invocation).ConfigureAwait(false);
    }

    private static NoContent Discover(HttpContext context, IOptions<UploadOptions> options)
    {
        IHeaderDictionary headers = context.Response.Headers;
        headers["Tus-Version"] = TusVersion;
        headers["Tus-Extension"] = Extensions;
        headers["Tus-Max-Size"] = options.Value.MaxFileBytes.ToString(CultureInfo.InvariantCulture);
        headers["Tus-Checksum-Algorithm"] = UploadChecksum.Supported;
        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, UploadStore store, TusProfile profile, CancellationToken cancellationToken)
    {
        HttpRequest request = context.Request;
        if (request.Headers.ContainsKey("Upload-Defer-Length") || request.Headers.ContainsKey("Upload-Concat"))
        {
            return Problem(StatusCodes.Status400BadRequest, "Deferred lengths and concatenation are not supported: send Upload-Length.");
        }

        if (!TryParseLength(request.Headers["Upload-Length"], out long length))
        {
            return Problem(StatusCodes.Status400BadRequest, "Upload-Length (a whole number of bytes) is required.");
        }

        UploadOptions limits = store.Options;
        if (length > limits.MaxFileBytes)
        {
            return Problem(StatusCodes.Status413RequestEntityTooLarge, $"The file is {FormatBytes(length)}; files larger than {FormatBytes(limits.MaxFileBytes)} cannot be uploaded.", "File too large");
        }

        string? metadataHeader = request.Headers["Upload-Metadata"];
        if (!TryParseMetadata(metadataHeader, out Dictionary<string, string> metadata, out string? metadataError))
        {
            return Problem(StatusCodes.Status400BadRequest, metadataError!);
        }

        bool hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (hasBody && !IsOffsetOctetStream(request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, $"Bytes sent with the creation request must be {OffsetOctetStream}.");
        }

        if (FreeBytes(store.RootDirectory) is { } free && free < length + limits.MinFreeBytes)
        {
            return Problem(StatusCodes.Status507InsufficientStorage, "The server does not have enough free disk space for this upload right now; try again later or contact your administrator.", "Insufficient storage");
        }

        UploadChecksum? checksum = null;
        if (hasBody && !TryChecksum(request, out checksum, out IResult? checksumProblem))
        {
            return checksumProblem!;
        }

        if (await profile.CheckCreationAsync(context, length, metadata, cancellationToken) is { } refused)
        {
            return refused;
        }

        string owner = profile.OwnerOf(context);
        UploadRecord record = await store.CreateAsync(owner, profile.SourceOf(context), length, metadataHeader, metadata, cancellationToken);
        await profile.CreatedAsync(context, record, cancellationToken);
        string location = $"{request.PathBase}{profile.BasePath}/{record.Id}";
        context.Response.Headers.Location = location;
        context.Response.Headers["Upload-Expires"] = record.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        if (!hasBody && length > 0)
        {
            return TypedResults.Created(location);
        }

        // creation-with-upload (or an empty file, complete at once)
        AllowLargeBody(context);
        using IDisposable? held = await store.LockAsync(record.Id, TimeSpan.Zero, cancellationToken);
        AppendResult appended = hasBody
            ? await store.AppendAsync(record, 0, request.Body, checksum, cancellationToken)
            : new AppendResult(AppendStatus.Appended, 0);
        if (appended.Status is AppendStatus.TooLong or AppendStatus.ChecksumMismatch)
        {
            return AppendProblem(appended, record);
        }

        if (await FinishAppendAsync(context, record, appended.Offset, store, profile) is { } completionRefused)
        {
            return completionRefused;
        }

        context.Response.Headers["Upload-Offset"] = appended.Offset.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Created(location);
    }

    private static Ok<UploadSummary[]> List(HttpContext context, UploadStore store)
    {
        string owner = StaffProfile.Instance.OwnerOf(context);
        DateTime now = store.UtcNow;
        UploadSummary[] uploads = [.. store.All()
            .Where(r => r.Owner == owner && r.ExpiresAt > now)
            .OrderByDescending(r => r.CreatedAt)
            .Take(1000)
            .Select(r => new UploadSummary(r.Id, r.FileName, r.State, r.State == UploadState.Receiving ? store.OffsetOf(r.Id) : r.Length, r.Length, r.CreatedAt, r.ExpiresAt))];
        return TypedResults.Ok(uploads);
    }

    private static IResult Head(string id, HttpContext context, UploadStore store, TusProfile profile)
    {
        if (FindOwn(id, context, store, profile, out UploadRecord? record) is { } missing)
        {
            return missing;
        }

        IHeaderDictionary headers = context.Response.Headers;
        long offset = record!.State == UploadState.Receiving ? store.OffsetOf(id) : record.Length;
        headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        headers["Upload-Length"] = record.Length.ToString(CultureInfo.InvariantCulture);
        if (record.MetadataHeader is { Length: > 0 } metadata)
        {
            headers["Upload-Metadata"] = metadata;
        }

        if (record.State == UploadState.Receiving)
        {
            headers["Upload-Expires"] = record.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        }

        return TypedResults.Ok();
    }

    private static async Task<IResult> AppendAsync(string id, HttpContext context, UploadStore store, TusProfile profile, CancellationToken cancellationToken)
    {
        HttpRequest request = context.Request;
        if (!IsOffsetOctetStream(request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, $"PATCH bodies must be {OffsetOctetStream}.");
        }

        if (!TryParseLength(request.Headers["Upload-Offset"], out long offset))
        {
            return Problem(StatusCodes.Status400BadRequest, "Upload-Offset (a whole number of bytes) is required.");
        }

        if (!TryChecksum(request, out UploadChecksum? checksum, out IResult? checksumProblem))
        {
            return checksumProblem!;
        }

        if (FindOwn(id, context, store, profile, out UploadRecord? record) is { } missing)
        {
            return missing;
        }

        if (await profile.CheckChangeAsync(context, record!, cancellationToken) is { } refused)
        {
            return refused;
        }

        // A resumed client may reach us before its previous, broken request has been noticed: wait for it briefly.
        using IDisposable? held = await store.LockAsync(id, TimeSpan.FromSeconds(10), cancellationToken);
        if (held is null)
        {
            return Problem(StatusCodes.Status423Locked, "Another request is still sending bytes to this upload; try again shortly.", "Upload busy");
        }

        record = store.Find(id);
        if (record is null)
        {
            return Problem(StatusCodes.Status404NotFound, "There is no such upload.", "Not found"); // terminated meanwhile
        }

        if (record.State != UploadState.Receiving)
        {
            return offset == record.Length
                ? Appended(context, record, record.Length)
                : Problem(StatusCodes.Status409Conflict, $"The upload is complete; its offset is {record.Length}.", "Offset mismatch");
        }

        AllowLargeBody(context);
        AppendResult appended = await store.AppendAsync(record, offset, request.Body, checksum, cancellationToken);
        switch (appended.Status)
        {
            case AppendStatus.OffsetMismatch:
                return Problem(StatusCodes.Status409Conflict, $"Upload-Offset {offset} does not match the bytes received ({appended.Offset}); ask with HEAD and resume from there.", "Offset mismatch");
            case AppendStatus.TooLong or AppendStatus.ChecksumMismatch:
                return AppendProblem(appended, record);
        }

        // Interrupted: the client has gone; what arrived is kept for its resume.
        if (await FinishAppendAsync(context, record, appended.Offset, store, profile) is { } completionRefused)
        {
            return completionRefused;
        }

        return Appended(context, record, appended.Offset);
    }

    private static async Task<IResult> TerminateAsync(string id, HttpContext context, UploadStore store, TusProfile profile, CancellationToken cancellationToken)
    {
        if (FindOwn(id, context, store, profile, out UploadRecord? record, allowExpired: true) is { } missing)
        {
            return missing;
        }

        if (record!.State == UploadState.Processing)
        {
            return Problem(StatusCodes.Status409Conflict, "The upload is being processed and can no longer be discarded.", "Upload processing");
        }

        if (await profile.CheckChangeAsync(context, record, cancellationToken) is { } refused)
        {
            return refused;
        }

        store.Delete(id);
        await profile.TerminatedAsync(context, record, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> OutcomeAsync(string id, int? waitSeconds, HttpContext context, UploadStore store, UploadProcessor processor, CancellationToken cancellationToken)
    {
        if (FindOwn(id, context, store, StaffProfile.Instance, out UploadRecord? record, allowExpired: true) is { } missing)
        {
            return missing;
        }

        if (record!.State == UploadState.Processing && waitSeconds is > 0)
        {
            await processor.WaitAsync(id, TimeSpan.FromSeconds(Math.Min(waitSeconds.Value, 60)), cancellationToken);
            record = store.Find(id) ?? record;
        }

        long offset = record.State == UploadState.Receiving ? store.OffsetOf(id) : record.Length;
        return TypedResults.Ok(new UploadOutcome(record.Id, record.FileName, record.State, offset, record.Length, record.ExpiresAt, [.. record.Results ?? []], record.Error, record.State == UploadState.Processing ? record.Waiting : null));
    }

    /// <summary>Saves the record after an append; once complete, the profile decides what follows (a result refuses the file).</summary>
    private static async Task<IResult?> FinishAppendAsync(HttpContext context, UploadRecord record, long offset, UploadStore store, TusProfile profile)
    {
        if (offset != record.Length)
        {
            await store.SaveAsync(record, CancellationToken.None);
            return null;
        }

        return await profile.CompletedAsync(context, record, store, CancellationToken.None);
    }

    private static NoContent Appended(HttpContext context, UploadRecord record, long offset)
    {
        context.Response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        if (record.State == UploadState.Receiving)
        {
            context.Response.Headers["Upload-Expires"] = record.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        }

        return TypedResults.NoContent();
    }

    private static ProblemHttpResult AppendProblem(AppendResult appended, UploadRecord record) => appended.Status == AppendStatus.TooLong
        ? Problem(StatusCodes.Status413RequestEntityTooLarge, $"More bytes were sent than the upload's length ({record.Length}); the chunk was discarded.", "Too many bytes")
        : Problem(460, "The chunk does not match its Upload-Checksum; it was discarded. Send it again.", "Checksum mismatch");

    /// <summary>Someone else's upload is reported as not found, like one that does not exist.</summary>
    private static ProblemHttpResult? FindOwn(string id, HttpContext context, UploadStore store, TusProfile profile, out UploadRecord? record, bool allowExpired = false)
    {
        record = store.Find(id);
        if (record is null || record.Owner != profile.OwnerOf(context))
        {
            return Problem(StatusCodes.Status404NotFound, "There is no such upload.", "Not found");
        }

        if (!allowExpired && record.ExpiresAt <= store.UtcNow)
        {
            return Problem(StatusCodes.Status410Gone, "The upload has expired; start it again.", "Upload expired");
        }

        return null;
    }

    private static bool TryChecksum(HttpRequest request, out UploadChecksum? checksum, out IResult? problem)
    {
        checksum = null;
        problem = null;
        if (request.Headers["Upload-Checksum"].ToString() is not { Length: > 0 } header)
        {
            return true;
        }

        if (UploadChecksum.TryParse(header, out checksum, out string? error))
        {
            return true;
        }

        problem = Problem(StatusCodes.Status400BadRequest, error!);
        return false;
    }

    /// <summary>Staff uploads: owned by the user or API key, ingested as soon as they are complete.</summary>
    private sealed class StaffProfile : TusProfile
    {
        public static StaffProfile Instance { get; } = new();

        public override string BasePath => "/api/uploads";

        public override string OwnerOf(HttpContext context) =>
            context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An authenticated caller has no identifier.");

        public override Portico.Index.Studies.IngestSource SourceOf(HttpContext context) =>
            context.User.ToIngestSource(context.Connection.RemoteIpAddress?.ToString());

        public override async ValueTask<IResult?> CompletedAsync(HttpContext context, UploadRecord record, UploadStore store, CancellationToken cancellationToken)
        {
            record.State = UploadState.Processing;
            await store.SaveAsync(record, cancellationToken);
            context.RequestServices.GetRequiredService<UploadProcessor>().Enqueue(record.Id);
            return null;
        }
    }

    private static bool IsOffsetOctetStream(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(OffsetOctetStream, StringComparison.OrdinalIgnoreCase);

    private static bool TryParseLength(StringValues header, out long value) =>
        long.TryParse(header.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary><c>key base64value,key2 base64value2,key3</c> (tus 1.0.0 Upload-Metadata).</summary>
    internal static bool TryParseMetadata(string? header, out Dictionary<string, string> metadata, out string? error)
    {
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            return true;
        }

        if (header.Length > MaxMetadataLength)
        {
            error = $"Upload-Metadata is longer than {MaxMetadataLength} characters.";
            return false;
        }

        foreach (string pair in header.Split(','))
        {
            string[] parts = pair.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is 0 or > 2 || !parts[0].All(c => c is > ' ' and < (char)127))
            {
                error = "Upload-Metadata must be comma-separated 'key base64value' pairs.";
                return false;
            }

            string value = string.Empty;
            if (parts.Length == 2)
            {
                try
                {
                    value = Encoding.UTF8.GetString(Convert.FromBase64String(parts[1]));
                }
                catch (FormatException)
                {
                    error = $"Upload-Metadata value of '{parts[0]}' is not valid base64.";
                    return false;
                }
            }

            if (value.Contains('\0', StringComparison.Ordinal))
            {
                error = $"Upload-Metadata value of '{parts[0]}' contains a NUL character.";
                return false;
            }

            if (!metadata.TryAdd(parts[0], value))
            {
                error = $"Upload-Metadata names '{parts[0]}' twice.";
                return false;
            }
        }

        return true;
    }

    private static void AllowLargeBody(HttpContext context)
    {
        // Bytes are streamed to disk and bounded by the upload's length, not by the server-wide body limit.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
    }

    private static long? FreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string FormatBytes(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.##} GB" : $"{bytes / (double)(1L << 20):0.#} MB";

    private static ProblemHttpResult Problem(int status, string detail, string? title = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}
