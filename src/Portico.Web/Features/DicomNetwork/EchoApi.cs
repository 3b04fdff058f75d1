using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Index.Access;

namespace Portico.Web.Features.DicomNetwork;

/// <summary><c>POST /api/dicom-identities/{id}/echo</c>: the identity page's <i>Test connection</i> (C-ECHO SCU).</summary>
public static class EchoApi
{
    public static IEndpointRouteBuilder MapEchoApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/dicom-identities/{id:guid}/echo", EchoAsync).WithTags("DICOM").RequireAuthorization(Permissions.IntegrationsDicom)
            .WithName("EchoDicomIdentity").WithSummary("Verifies the connection to the identity's host and port with a C-ECHO; says why when it fails.");
        return app;
    }

    /// <summary>The answer: success, or the reason in words (refused and why, unreachable, timed out).</summary>
    public sealed record EchoResult(bool Success, string? Status, double? RoundTripMilliseconds, string? Error);

    private static async Task<Results<Ok<EchoResult>, NotFound, ValidationProblem>> EchoAsync(Guid id, DicomConnectionTest test, CancellationToken cancellationToken)
    {
        DicomConnectionTest.Outcome outcome = await test.EchoAsync(id, cancellationToken);
        if (!outcome.Found)
        {
            return TypedResults.NotFound();
        }

        return outcome.HasTarget
            ? TypedResults.Ok(outcome.Result)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["host"] = [DicomConnectionTest.NoHostMessage] });
    }
}
