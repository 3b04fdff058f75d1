using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Portico.Web.Hosting;

/// <summary>The one place exceptions become RFC 9457 problem details. Bad input is answered by endpoints as values; what reaches here is a fault.</summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        (int status, string title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            Portico.Dicom.DicomFormatException => (StatusCodes.Status400BadRequest, "Invalid DICOM"),
            OperationCanceledException => (499, "Request cancelled"),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred"),
        };
        if (status >= 500)
        {
            LogFault(logger, httpContext.TraceIdentifier, exception);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = status >= 500 ? "See the server log for request " + httpContext.TraceIdentifier + "." : exception.Message,
            },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(5000, LogLevel.Error, "Request {TraceId} failed")]
    private static partial void LogFault(ILogger logger, string traceId, Exception exception);
}
