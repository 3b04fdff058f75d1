using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Index.Access;

namespace Portico.Web.Features.StressTests;

/// <summary>
/// <c>POST /api/stress-tests</c> (import an exercise stress test: XML plus optional PDF) and a study's stress test:
/// <c>GET /api/studies/{uid}/stress-test</c> (summary), <c>…/xml</c> (the original file), <c>…/pdf</c> (the report).
/// </summary>
public static class StressTestsApi
{
    public static IServiceCollection AddStressTests(this IServiceCollection services)
    {
        services.AddOptions<StressTestOptions>().BindConfiguration(StressTestOptions.Section)
            .Validate(o => o.MaxXmlBytes > 0 && o.MaxPdfBytes > 0 && o.MatchWindow > TimeSpan.Zero, "Portico:StressTests limits must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IStressTestImporter, CardioSoftImporter>();
        services.AddSingleton<StressTestReader>();
        services.AddScoped<StressTestMatcher>();
        services.AddScoped<StressTestIntake>();
        services.AddScoped<StressTestQueries>();
        return services;
    }

    public static IEndpointRouteBuilder MapStressTestsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/stress-tests", ImportAsync)
            .WithTags("Stress tests")
            .RequireAuthorization(Permissions.StudiesUpload)
            .WithName("ImportStressTest")
            .WithSummary("Import an exercise stress test: multipart/form-data with the XML export in `xml`, optionally the PDF report in `pdf`, `targetStudyInstanceUid` and `confirm`. Attaches it to the patient's stress echo or creates a study.")
            .Produces<StressTestImportResult>(StatusCodes.Status200OK)
            .Produces<StressTestImportResult>(StatusCodes.Status201Created)
            .Produces<StressTestImportResult>(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        RouteGroupBuilder study = app.MapGroup("/api/studies/{studyInstanceUid}/stress-test").WithTags("Stress tests").RequireAuthorization(Permissions.StudiesView);
        study.MapGet("/", GetAsync).WithName("GetStudyStressTest").WithSummary("The study's stress test: the parsed summary and where it came from.");
        study.MapGet("/xml", GetXmlAsync).WithName("GetStudyStressTestXml").WithSummary("The stress test's original XML file.");
        study.MapGet("/pdf", GetPdfAsync).WithName("GetStudyStressTestPdf").WithSummary("The stress test's PDF report, from the study's Encapsulated PDF instance.");
        return app;
    }

    private static async Task<IResult> ImportAsync(HttpContext context, StressTestIntake intake, Microsoft.Extensions.Options.IOptions<StressTestOptions> options, CancellationToken cancellationToken)
    {
        StressTestOptions limits = options.Value;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = limits.MaxXmlBytes + limits.MaxPdfBytes + (1024 * 1024);
        }

        if (!context.Request.HasFormContentType)
        {
            return Problem(StressTestRefusal.Missing, "Send multipart/form-data with the XML export in the field 'xml' (and optionally the PDF in 'pdf').");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            return Problem(StressTestRefusal.TooLarge, "The upload is larger than the limits for a stress test's XML and PDF.");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StressTestRefusal.TooLarge, "The upload is larger than the limits for a stress test's XML and PDF.");
        }

        IFormFile? xml = form.Files.GetFile("xml");
        IFormFile? pdf = form.Files.GetFile("pdf");
        if (xml is null || xml.Length == 0)
        {
            return Problem(StressTestRefusal.Missing, "The XML export is missing: send it in the multipart field 'xml'.");
        }

        if (xml.Length > limits.MaxXmlBytes || pdf?.Length > limits.MaxPdfBytes)
        {
            return Problem(StressTestRefusal.TooLarge, $"The XML and the PDF may each be at most {limits.MaxXmlBytes / (1024 * 1024)} MB.");
        }

        bool confirm = bool.TryParse(form["confirm"].ToString(), out bool c) && c;
        var request = new StressTestImportRequest(
            await ReadAsync(xml, cancellationToken),
            xml.FileName,
            pdf is { Length: > 0 } ? await ReadAsync(pdf, cancellationToken) : null,
            form["targetStudyInstanceUid"].ToString() is { Length: > 0 } target ? target : null,
            confirm);
        StressTestImportResult result = await intake.ImportAsync(request, context.User, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return result.Outcome switch
        {
            StressTestOutcome.Refused => Problem(result.Refusal, result.Message),
            StressTestOutcome.Created => TypedResults.Created($"/api/studies/{result.StudyInstanceUid}/stress-test", result),
            StressTestOutcome.Ambiguous or StressTestOutcome.Conflict => TypedResults.Json(result, statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Ok(result),
        };
    }

    /// <summary>An RFC 9457 problem; its <c>refusal</c> member names the reason for programs (the agent, the dialog).</summary>
    private static ProblemHttpResult Problem(StressTestRefusal refusal, string detail)
    {
        (int status, string title) = refusal switch
        {
            StressTestRefusal.NotXml => (StatusCodes.Status400BadRequest, "Not a well-formed XML file"),
            StressTestRefusal.RestingEcg => (StatusCodes.Status422UnprocessableEntity, "Resting ECG, not a stress test"),
            StressTestRefusal.UnsupportedFormat => (StatusCodes.Status415UnsupportedMediaType, "Unsupported stress-test format"),
            StressTestRefusal.NotPdf => (StatusCodes.Status415UnsupportedMediaType, "The report is not a PDF"),
            StressTestRefusal.TooLarge => (StatusCodes.Status413PayloadTooLarge, "File too large"),
            StressTestRefusal.StudyNotFound => (StatusCodes.Status404NotFound, "Study not found"),
            StressTestRefusal.StudyHasStressTest => (StatusCodes.Status409Conflict, "The study already has a stress test"),
            StressTestRefusal.NotStored => (StatusCodes.Status422UnprocessableEntity, "The report could not be stored"),
            _ => (StatusCodes.Status400BadRequest, "XML file missing"),
        };
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["refusal"] = refusal.ToString() });
    }

    private static async Task<byte[]> ReadAsync(IFormFile file, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)file.Length);
        await using Stream content = file.OpenReadStream();
        await content.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    private static async Task<Results<Ok<StressTestSummary>, NotFound>> GetAsync(string studyInstanceUid, StressTestQueries queries, CancellationToken cancellationToken) =>
        await queries.GetAsync(studyInstanceUid, cancellationToken) is { } summary ? TypedResults.Ok(summary) : TypedResults.NotFound();

    private static async Task<Results<FileStreamHttpResult, NotFound>> GetXmlAsync(string studyInstanceUid, StressTestQueries queries, CancellationToken cancellationToken) =>
        await queries.OpenXmlAsync(studyInstanceUid, cancellationToken) is { } xml
            ? TypedResults.File(xml.Content, "application/xml", xml.FileName)
            : TypedResults.NotFound();

    private static async Task<Results<FileContentHttpResult, NotFound>> GetPdfAsync(string studyInstanceUid, StressTestQueries queries, CancellationToken cancellationToken) =>
        await queries.ReadPdfAsync(studyInstanceUid, cancellationToken) is { } pdf
            ? TypedResults.File(pdf, "application/pdf")
            : TypedResults.NotFound();
}
