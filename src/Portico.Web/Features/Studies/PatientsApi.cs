using Microsoft.AspNetCore.Http.HttpResults;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Studies;

namespace Portico.Web.Features.Studies;

/// <summary><c>/api/patients</c>: find a patient (for a merge) and list a patient's studies.</summary>
public static class PatientsApi
{
    public static IEndpointRouteBuilder MapPatientsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/patients").WithTags("Patients");
        api.MapGet("/", SearchAsync).RequireAuthorization(Permissions.StudiesView)
            .WithName("SearchPatients").WithSummary("Patients by name, birth date or Patient ID (each word narrows), one row per identity, paged.");
        api.MapGet("/{id:guid}/studies", StudiesAsync).RequireAuthorization(Permissions.StudiesView)
            .WithName("GetPatientStudies").WithSummary("The studies of a patient record and of records with the same Patient ID and issuer, newest first.");
        return app;
    }

    private static async Task<Results<Ok<PatientPage>, ValidationProblem>> SearchAsync(string? search, int? page, int? pageSize, PorticoDbContext db, CancellationToken cancellationToken)
    {
        int p = page ?? 1;
        int size = pageSize ?? PatientSearch.DefaultPageSize;
        var errors = new Dictionary<string, string[]>();
        if (p is < 1 or > 100_000)
        {
            errors["page"] = ["The page is between 1 and 100000."];
        }

        if (size is < 1 or > PatientSearch.MaxPageSize)
        {
            errors["pageSize"] = [$"The page size is between 1 and {PatientSearch.MaxPageSize}."];
        }

        if (search?.Length > 200)
        {
            errors["search"] = ["At most 200 characters."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await PatientSearch.SearchAsync(db, search, p, size, cancellationToken));
    }

    private static async Task<Results<Ok<PatientStudyRow[]>, NotFound>> StudiesAsync(Guid id, PorticoDbContext db, CancellationToken cancellationToken) =>
        await PatientSearch.StudiesOfAsync(db, new PatientRecordId(id), cancellationToken) is { } studies ? TypedResults.Ok(studies) : TypedResults.NotFound();
}
