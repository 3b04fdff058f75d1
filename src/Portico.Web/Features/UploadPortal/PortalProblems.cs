using Microsoft.AspNetCore.Http.HttpResults;

namespace Portico.Web.Features.UploadPortal;

/// <summary>Problem details for the portal: <c>detail</c> is the message for the uploader, <c>rule</c> names the rule.</summary>
public static class PortalProblems
{
    public static ProblemHttpResult Problem(int status, string rule, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: Title(status), extensions: new Dictionary<string, object?> { ["rule"] = rule });

    public static ProblemHttpResult Of(PortalRules.Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        int status = violation.Rule switch
        {
            "state" => StatusCodes.Status409Conflict,
            "studies" => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        return Problem(status, violation.Rule, violation.Message);
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status409Conflict => "Not possible now",
        StatusCodes.Status413RequestEntityTooLarge => "Too large",
        StatusCodes.Status415UnsupportedMediaType => "File type not accepted",
        StatusCodes.Status400BadRequest => "Bad request",
        _ => "Upload rule broken",
    };
}
