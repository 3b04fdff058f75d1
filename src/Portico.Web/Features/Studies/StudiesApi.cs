using System.IO.Compression;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Audit;
using Portico.Index.Studies;
using Portico.Index.StudyList;
using Portico.Storage;
using Portico.Web.Security;

namespace Portico.Web.Features.Studies;

/// <summary><c>/api/studies</c>: the Study List query, a study with its series, its archive, labels and workflow status.</summary>
public static class StudiesApi
{
    public static IEndpointRouteBuilder MapStudiesApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/studies").WithTags("Studies");
        api.MapGet("/", SearchAsync).RequireAuthorization(Permissions.StudiesView)
            .WithName("SearchStudies").WithSummary("The Study List: filters, sort and paging with a total count.");
        api.MapGet("/{studyUid}", GetAsync).RequireAuthorization(Permissions.StudiesView)
            .WithName("GetStudy").WithSummary("A study with its series, counts, labels, status and sources.");
        api.MapGet("/{studyUid}/series", GetSeriesAsync).RequireAuthorization(Permissions.StudiesView)
            .WithName("GetStudySeries").WithSummary("The series of a study.");
        api.MapGet("/{studyUid}/archive", ArchiveAsync).RequireAuthorization(Permissions.StudiesView)
            .WithName("GetStudyArchive").WithSummary("Every instance of the study as a ZIP archive, streamed.");
        api.MapPut("/{studyUid}/labels/{label}", AddLabelAsync).RequireAuthorization(Permissions.StudiesLabel)
            .WithName("AddStudyLabel").WithSummary("Adds a label to the study (audited).");
        api.MapDelete("/{studyUid}/labels/{label}", RemoveLabelAsync).RequireAuthorization(Permissions.StudiesLabel)
            .WithName("RemoveStudyLabel").WithSummary("Removes a label from the study (audited).");
        api.MapPut("/{studyUid}/status", SetStatusAsync).RequireAuthorization(Permissions.StudiesLabel)
            .WithName("SetStudyStatus").WithSummary("Sets the workflow status: New, InProgress or Finalized (audited).");
        api.MapPut("/{studyUid}/patient", ChangePatientAsync).RequireAuthorization(Permissions.StudiesChangePatientIdentity)
            .WithName("ChangeStudyPatient").WithSummary("Gives the study a new patient identity, in the index and in its stored files, with a required reason (audited with the old and new values).");
        api.MapPost("/{studyUid}/merge", MergeAsync).RequireAuthorization(Permissions.StudiesChangePatientIdentity)
            .WithName("MergeStudy").WithSummary("Merge with patient: moves the study to a patient record and rewrites its stored files with that identity; reason required (audited).");
        api.MapPost("/{studyUid}/reviewed", MarkReviewedAsync).RequireAuthorization(Permissions.StudiesLabel)
            .WithName("MarkStudyReviewed").WithSummary("Mark as reviewed: replaces the label Uploaded with Uploaded-Reviewed (audited).");
        api.MapGet("/{studyUid}/other-studies", OtherStudiesAsync).RequireAuthorization(Permissions.StudiesView)
            .WithName("GetOtherStudiesOfPatient").WithSummary("The other studies of the study's patient (priors), newest first.");
        api.MapDelete("/{studyUid}", DeleteAsync).RequireAuthorization(StudyPermissions.Delete)
            .WithName("DeleteStudy").WithSummary("Deletes the study's index rows and the blobs no other instance uses (administrators: Users.Manage; audited).");
        app.MapPatientsApi();
        return app;
    }

    public sealed record StudyPage(int Total, int Page, int PageSize, IReadOnlyList<StudyListRow> Items);

    public sealed record StatusRequest(string Status);

    /// <summary>Body of <c>PUT /api/studies/{uid}/patient</c>. Sex is M, F, O or empty; the reason is required.</summary>
    public sealed record PatientRequest(
        string? FamilyName,
        string? GivenName,
        string? MiddleName,
        string? Prefix,
        string? Suffix,
        string? PatientId,
        DateOnly? BirthDate,
        string? Sex,
        string? Reason)
    {
        public PatientIdentityChange ToChange() =>
            new(new PersonNameParts(FamilyName?.Trim() ?? "", GivenName?.Trim() ?? "", MiddleName?.Trim() ?? "", Prefix?.Trim() ?? "", Suffix?.Trim() ?? ""),
                PatientId ?? "", BirthDate, Sex, Reason ?? "");

        public override string ToString() => nameof(PatientRequest);
    }

    /// <summary>Body of <c>POST /api/studies/{uid}/merge</c>: the patient record to merge into (<c>GET /api/patients</c>) and the required reason.</summary>
    public sealed record MergeRequest(Guid? TargetPatientId, string? Reason)
    {
        public override string ToString() => nameof(MergeRequest);
    }

    private static async Task<Results<Ok<StudyPage>, ValidationProblem>> SearchAsync([AsParameters] StudySearchParameters parameters, PorticoDbContext db, CancellationToken cancellationToken)
    {
        if (parameters.ToQuery(out StudyQuery? query) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        StudyListPage result = await StudyListQueries.SearchAsync(db, query!, cancellationToken);
        return TypedResults.Ok(new StudyPage(result.Total, query!.Page, query.PageSize, result.Items));
    }

    private static async Task<Results<Ok<StudyDetail>, NotFound>> GetAsync(string studyUid, PorticoDbContext db, CancellationToken cancellationToken) =>
        await StudyDetails.FindAsync(db, studyUid, cancellationToken) is { } study ? TypedResults.Ok(study) : TypedResults.NotFound();

    private static async Task<Results<Ok<SeriesRow[]>, NotFound>> GetSeriesAsync(string studyUid, PorticoDbContext db, CancellationToken cancellationToken) =>
        await StudyDetails.SeriesAsync(db, studyUid, cancellationToken) is { } series ? TypedResults.Ok(series) : TypedResults.NotFound();

    private static async Task<Results<EmptyHttpResult, NotFound>> ArchiveAsync(string studyUid, PorticoDbContext db, IBlobStore blobs, HttpContext context, CancellationToken cancellationToken)
    {
        var instances = await db.Instances.AsNoTracking()
            .Where(i => i.Series.Study.StudyInstanceUid == studyUid)
            .OrderBy(i => i.Series.SeriesNumber).ThenBy(i => i.Series.SeriesInstanceUid).ThenBy(i => i.InstanceNumber)
            .Select(i => new { i.SopInstanceUid, i.BlobKey, SeriesUid = i.Series.SeriesInstanceUid })
            .ToListAsync(cancellationToken);
        if (instances.Count == 0)
        {
            return TypedResults.NotFound();
        }

        context.Response.ContentType = "application/zip";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{studyUid}.zip\"";
        // DICOM files are usually compressed already or compress little: store them, stream as we go.
        await using var zip = new ZipArchive(context.Response.BodyWriter.AsStream(), ZipArchiveMode.Create, leaveOpen: true);
        foreach (var instance in instances)
        {
            ZipArchiveEntry entry = zip.CreateEntry($"{instance.SeriesUid}/{instance.SopInstanceUid}.dcm", CompressionLevel.NoCompression);
            await using Stream target = await entry.OpenAsync(cancellationToken);
            await using Stream source = blobs.OpenRead(BlobKey.Parse(instance.BlobKey));
            await source.CopyToAsync(target, cancellationToken);
        }

        return TypedResults.Empty;
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> AddLabelAsync(string studyUid, string label, StudyEditor editor, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await editor.AddLabelAsync(studyUid, label, Caller(user, context), cancellationToken));

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> RemoveLabelAsync(string studyUid, string label, StudyEditor editor, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await editor.RemoveLabelAsync(studyUid, label, Caller(user, context), cancellationToken));

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> SetStatusAsync(string studyUid, StatusRequest request, StudyEditor editor, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await editor.SetStatusAsync(studyUid, request.Status, Caller(user, context), cancellationToken));

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ChangePatientAsync(string studyUid, PatientRequest request, StudyEditor editor, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await editor.ChangePatientAsync(studyUid, request.ToChange(), Caller(user, context), cancellationToken));

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> MergeAsync(string studyUid, MergeRequest request, StudyEditor editor, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        request.TargetPatientId is not { } target
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["targetPatientId"] = ["Choose the patient to merge with (targetPatientId)."] })
            : Answer(await editor.MergeAsync(studyUid, new PatientRecordId(target), request.Reason, Caller(user, context), cancellationToken));

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> MarkReviewedAsync(string studyUid, StudyEditor editor, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await editor.MarkReviewedAsync(studyUid, Caller(user, context), cancellationToken));

    private static async Task<Results<Ok<PatientStudyRow[]>, NotFound>> OtherStudiesAsync(string studyUid, PorticoDbContext db, CancellationToken cancellationToken) =>
        await PatientSearch.OtherStudiesAsync(db, studyUid, cancellationToken) is { } studies ? TypedResults.Ok(studies) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> DeleteAsync(string studyUid, StudyEditor editor, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken) =>
        Answer(await editor.DeleteAsync(studyUid, Caller(user, context), cancellationToken));

    private static StudyCaller Caller(ClaimsPrincipal user, HttpContext context) => new(user, context.Connection.RemoteIpAddress?.ToString());

    private static Results<NoContent, NotFound, ValidationProblem> Answer(StudyChangeResult result) => result.Outcome switch
    {
        StudyChangeOutcome.Done => TypedResults.NoContent(),
        StudyChangeOutcome.NotFound => TypedResults.NotFound(),
        _ => TypedResults.ValidationProblem(result.Errors ?? new Dictionary<string, string[]>()),
    };
}
