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
        return app;
    }

    public sealed record StudyPage(int Total, int Page, int PageSize, IReadOnlyList<StudyListRow> Items);

    public sealed record SeriesRow(string SeriesInstanceUid, int? SeriesNumber, string Modality, string Description, string BodyPartExamined, int NumberOfInstances);

    public sealed record StudyDetail(
        string StudyInstanceUid,
        string PatientName,
        string PatientId,
        string IssuerOfPatientId,
        DateOnly? PatientBirthDate,
        string PatientSex,
        DateOnly? StudyDate,
        string StudyTime,
        string Description,
        string AccessionNumber,
        string ReferringPhysicianName,
        string Modalities,
        int NumberOfSeries,
        int NumberOfInstances,
        long SizeBytes,
        string WorkflowStatus,
        string[] Labels,
        DateTimeOffset ReceivedAt,
        DateTimeOffset LastReceivedAt,
        SourceRow[] Sources,
        SeriesRow[] Series);

    public sealed record SourceRow(string Kind, string? Name, int Instances, DateTimeOffset FirstReceivedAt);

    public sealed record StatusRequest(string Status);

    private static async Task<Results<Ok<StudyPage>, ValidationProblem>> SearchAsync([AsParameters] StudySearchParameters parameters, PorticoDbContext db, CancellationToken cancellationToken)
    {
        if (parameters.ToQuery(out StudyQuery? query) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        StudyListPage result = await StudyListQueries.SearchAsync(db, query!, cancellationToken);
        return TypedResults.Ok(new StudyPage(result.Total, query!.Page, query.PageSize, result.Items));
    }

    private static async Task<Results<Ok<StudyDetail>, NotFound>> GetAsync(string studyUid, PorticoDbContext db, CancellationToken cancellationToken)
    {
        Study? study = await db.Studies.AsNoTracking().Include(s => s.Patient).Include(s => s.Labels).ThenInclude(l => l.Label)
            .FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return TypedResults.NotFound();
        }

        SeriesRow[] series = await SeriesOf(db, study.Id, cancellationToken);
        SourceRow[] sources = (await db.Instances.AsNoTracking()
                .Where(i => i.Series.StudyId == study.Id)
                .GroupBy(i => new { i.Source.Kind, i.Source.Name })
                .Select(g => new { g.Key.Kind, g.Key.Name, Count = g.Count(), First = g.Min(i => i.ReceivedAt) })
                .ToListAsync(cancellationToken))
            .Select(g => new SourceRow(g.Kind.ToString(), g.Name, g.Count, new DateTimeOffset(g.First, TimeSpan.Zero)))
            .ToArray();
        Patient p = study.Patient;
        return TypedResults.Ok(new StudyDetail(
            study.StudyInstanceUid, p.PatientName, p.PatientId, p.IssuerOfPatientId, p.BirthDate, p.Sex,
            study.StudyDate, study.StudyTime, study.Description, study.AccessionNumber, study.ReferringPhysicianName,
            study.Modalities, study.NumberOfSeries, study.NumberOfInstances, study.SizeBytes, study.WorkflowStatus.ToString(),
            [.. study.Labels.Select(l => l.Label.Name).Order(StringComparer.Ordinal)],
            new DateTimeOffset(study.ReceivedAt, TimeSpan.Zero), new DateTimeOffset(study.LastReceivedAt, TimeSpan.Zero), sources, series));
    }

    private static async Task<Results<Ok<SeriesRow[]>, NotFound>> GetSeriesAsync(string studyUid, PorticoDbContext db, CancellationToken cancellationToken)
    {
        StudyId? id = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid).Select(s => (StudyId?)s.Id).FirstOrDefaultAsync(cancellationToken);
        return id is null ? TypedResults.NotFound() : TypedResults.Ok(await SeriesOf(db, id.Value, cancellationToken));
    }

    private static Task<SeriesRow[]> SeriesOf(PorticoDbContext db, StudyId studyId, CancellationToken cancellationToken) =>
        db.Series.AsNoTracking().Where(s => s.StudyId == studyId).OrderBy(s => s.SeriesNumber).ThenBy(s => s.SeriesInstanceUid)
            .Select(s => new SeriesRow(s.SeriesInstanceUid, s.SeriesNumber, s.Modality, s.Description, s.BodyPartExamined, s.NumberOfInstances))
            .ToArrayAsync(cancellationToken);

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

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> AddLabelAsync(string studyUid, string label, PorticoDbContext db, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        string name = label.Trim();
        if (name.Length is 0 or > 64)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["label"] = ["A label has 1 to 64 characters."] });
        }

        Study? study = await db.Studies.Include(s => s.Labels).ThenInclude(l => l.Label).FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return TypedResults.NotFound();
        }

        if (study.Labels.All(l => l.Label.Name != name))
        {
            Label entity = await db.Labels.FirstOrDefaultAsync(l => l.Name == name, cancellationToken) ?? db.Labels.Add(new Label { Name = name }).Entity;
            study.Labels.Add(new StudyLabel { Study = study, Label = entity, AddedAt = clock.GetUtcNow().UtcDateTime, AddedBy = user.Actor() });
            db.AuditEntries.Add(Audit(user, context, clock, "Study.LabelAdded", studyUid, $"{{\"label\":{System.Text.Json.JsonSerializer.Serialize(name)}}}"));
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> RemoveLabelAsync(string studyUid, string label, PorticoDbContext db, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        Study? study = await db.Studies.Include(s => s.Labels).ThenInclude(l => l.Label).FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return TypedResults.NotFound();
        }

        StudyLabel? existing = study.Labels.FirstOrDefault(l => l.Label.Name == label.Trim());
        if (existing is not null)
        {
            study.Labels.Remove(existing);
            db.AuditEntries.Add(Audit(user, context, clock, "Study.LabelRemoved", studyUid, $"{{\"label\":{System.Text.Json.JsonSerializer.Serialize(existing.Label.Name)}}}"));
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> SetStatusAsync(string studyUid, StatusRequest request, PorticoDbContext db, ClaimsPrincipal user, HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse(request.Status, ignoreCase: true, out WorkflowStatus status) || !Enum.IsDefined(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["The status is New, InProgress or Finalized."] });
        }

        Study? study = await db.Studies.FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return TypedResults.NotFound();
        }

        if (study.WorkflowStatus != status)
        {
            WorkflowStatus before = study.WorkflowStatus;
            study.WorkflowStatus = status;
            db.AuditEntries.Add(Audit(user, context, clock, "Study.StatusChanged", studyUid, $"{{\"from\":\"{before}\",\"to\":\"{status}\"}}"));
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static AuditEntry Audit(ClaimsPrincipal user, HttpContext context, TimeProvider clock, string action, string target, string details) =>
        AuditRecords.Create(user, context, clock, action, target, details);
}
