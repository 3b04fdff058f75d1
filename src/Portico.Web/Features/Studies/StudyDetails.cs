using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Studies;

namespace Portico.Web.Features.Studies;

/// <summary>A study with its patient, series, labels and sources: the study page and <c>GET /api/studies/{uid}</c>.</summary>
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
    SeriesRow[] Series)
{
    /// <summary>Prints the UID only: the rest is patient data.</summary>
    public override string ToString() => $"StudyDetail {{ StudyInstanceUid = {StudyInstanceUid} }}";
}

public sealed record SeriesRow(string SeriesInstanceUid, int? SeriesNumber, string Modality, string Description, string BodyPartExamined, int NumberOfInstances);

/// <summary>Where instances of a study came from: one row per source, with how many and since when.</summary>
public sealed record SourceRow(string Kind, string? Name, int Instances, DateTimeOffset FirstReceivedAt);

/// <summary>Reads studies for display (one place for the page and the API).</summary>
public static class StudyDetails
{
    public static async Task<StudyDetail?> FindAsync(PorticoDbContext db, string studyUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        Study? study = await db.Studies.AsNoTracking().Include(s => s.Patient).Include(s => s.Labels).ThenInclude(l => l.Label)
            .FirstOrDefaultAsync(s => s.StudyInstanceUid == studyUid, cancellationToken);
        if (study is null)
        {
            return null;
        }

        SeriesRow[] series = await SeriesOfAsync(db, study.Id, cancellationToken);
        SourceRow[] sources = (await db.Instances.AsNoTracking()
                .Where(i => i.Series.StudyId == study.Id)
                .GroupBy(i => new { i.Source.Kind, i.Source.Name })
                .Select(g => new { g.Key.Kind, g.Key.Name, Count = g.Count(), First = g.Min(i => i.ReceivedAt) })
                .ToListAsync(cancellationToken))
            .OrderBy(g => g.First)
            .Select(g => new SourceRow(g.Kind.ToString(), g.Name, g.Count, new DateTimeOffset(g.First, TimeSpan.Zero)))
            .ToArray();
        Patient p = study.Patient;
        return new StudyDetail(
            study.StudyInstanceUid, p.PatientName, p.PatientId, p.IssuerOfPatientId, p.BirthDate, p.Sex,
            study.StudyDate, study.StudyTime, study.Description, study.AccessionNumber, study.ReferringPhysicianName,
            study.Modalities, study.NumberOfSeries, study.NumberOfInstances, study.SizeBytes, study.WorkflowStatus.ToString(),
            [.. study.Labels.Select(l => l.Label.Name).Order(StringComparer.Ordinal)],
            new DateTimeOffset(study.ReceivedAt, TimeSpan.Zero), new DateTimeOffset(study.LastReceivedAt, TimeSpan.Zero), sources, series);
    }

    public static async Task<SeriesRow[]?> SeriesAsync(PorticoDbContext db, string studyUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        StudyId? id = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid).Select(s => (StudyId?)s.Id).FirstOrDefaultAsync(cancellationToken);
        return id is null ? null : await SeriesOfAsync(db, id.Value, cancellationToken);
    }

    /// <summary>Every label name in use or seeded (<see cref="DefaultLabels"/>), for the label suggestions.</summary>
    public static async Task<string[]> LabelNamesAsync(PorticoDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        List<string> names = await db.Labels.AsNoTracking().Select(l => l.Name).ToListAsync(cancellationToken);
        return [.. names.Union([DefaultLabels.Uploaded, DefaultLabels.UploadedReviewed], StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase)];
    }

    private static Task<SeriesRow[]> SeriesOfAsync(PorticoDbContext db, StudyId studyId, CancellationToken cancellationToken) =>
        db.Series.AsNoTracking().Where(s => s.StudyId == studyId).OrderBy(s => s.SeriesNumber).ThenBy(s => s.SeriesInstanceUid)
            .Select(s => new SeriesRow(s.SeriesInstanceUid, s.SeriesNumber, s.Modality, s.Description, s.BodyPartExamined, s.NumberOfInstances))
            .ToArrayAsync(cancellationToken);
}
