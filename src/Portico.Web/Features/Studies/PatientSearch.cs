using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Studies;

namespace Portico.Web.Features.Studies;

/// <summary>
/// A patient as the merge dialog and <c>GET /api/patients</c> list it: one row per distinct identity (name, ID, issuer,
/// birth date, sex), with <see cref="Id"/> one patient record of that identity (the oldest) to merge into.
/// </summary>
public sealed record PatientRow(Guid Id, string PatientName, string PatientId, string IssuerOfPatientId, DateOnly? BirthDate, string Sex, int Studies, DateOnly? LatestStudyDate)
{
    /// <summary>Prints the record id only: the rest is patient data.</summary>
    public override string ToString() => $"PatientRow {{ Id = {Id} }}";
}

public sealed record PatientPage(int Total, int Page, int PageSize, IReadOnlyList<PatientRow> Items);

/// <summary>A study of a patient, for <i>Other studies of this patient</i> and <c>GET /api/patients/{id}/studies</c>.</summary>
public sealed record PatientStudyRow(string StudyInstanceUid, DateOnly? StudyDate, string StudyTime, string Description, string Modalities, string AccessionNumber, int NumberOfInstances, string[] Labels);

/// <summary>
/// Finds patients and their studies. Patient records are created per arriving study (outside IDs collide, see
/// <see cref="Patient"/>), so a patient's studies are those on the same record plus those whose record has the same
/// non-empty Patient ID and issuer; the search groups records of one identity into one row.
/// </summary>
public static class PatientSearch
{
    public const int DefaultPageSize = 20;

    /// <summary>The LIKE escape character (the same on SQLite and PostgreSQL).</summary>
    private const string Escape = "\\";
    public const int MaxPageSize = 100;

    /// <summary>How many other studies the study page lists.</summary>
    public const int MaxOtherStudies = 50;

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyyMMdd", "dd.MM.yyyy", "d.M.yyyy"];

    /// <summary>
    /// Each word of <paramref name="search"/> narrows the list: a date (2024-05-31, 20240531, 31.05.2024) is a birth
    /// date; any other word is part of the name or the start of the Patient ID. Empty lists every patient.
    /// </summary>
    public static async Task<PatientPage> SearchAsync(PorticoDbContext db, string? search, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        IQueryable<Study> studies = db.Studies.AsNoTracking();
        foreach (string word in (search ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (DateOnly.TryParseExact(word, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly birth))
            {
                studies = studies.Where(s => s.Patient.BirthDate == birth);
                continue;
            }

            string name = $"%{Like(PersonNameSearch.Normalize(word))}%";
            string idStart = Like(word.ToUpperInvariant()) + "%";
            studies = studies.Where(s => EF.Functions.Like(s.Patient.PatientNameSearch, name, Escape) || EF.Functions.Like(s.Patient.PatientId.ToUpper(), idStart, Escape));
        }

        var groups = studies
            .GroupBy(s => new { s.Patient.PatientName, s.Patient.PatientId, s.Patient.IssuerOfPatientId, s.Patient.BirthDate, s.Patient.Sex })
            .Select(g => new { g.Key, Studies = g.Count(), Latest = g.Max(s => s.StudyDateTime) });
        int total = await groups.CountAsync(cancellationToken);
        var rows = await groups.OrderBy(g => g.Key.PatientName).ThenBy(g => g.Key.PatientId).ThenBy(g => g.Key.BirthDate)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var items = new List<PatientRow>(rows.Count);
        foreach (var row in rows)
        {
            var k = row.Key;
            PatientRecordId id = await db.Patients.AsNoTracking()
                .Where(p => p.PatientName == k.PatientName && p.PatientId == k.PatientId && p.IssuerOfPatientId == k.IssuerOfPatientId && p.BirthDate == k.BirthDate && p.Sex == k.Sex)
                .OrderBy(p => p.Id).Select(p => p.Id).FirstAsync(cancellationToken);
            items.Add(new PatientRow(id.Value, k.PatientName, k.PatientId, k.IssuerOfPatientId, k.BirthDate, k.Sex, row.Studies, row.Latest is { } latest ? DateOnly.FromDateTime(latest) : null));
        }

        return new PatientPage(total, page, pageSize, items);
    }

    /// <summary>The studies of the patient record <paramref name="id"/> (see the class remarks); null when there is no such record.</summary>
    public static async Task<PatientStudyRow[]?> StudiesOfAsync(PorticoDbContext db, PatientRecordId id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        Patient? patient = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return patient is null ? null : await StudiesAsync(db, patient, null, MaxPageSize, cancellationToken);
    }

    /// <summary><i>Other studies of this patient</i>: the study's patient's other studies, newest first; null when there is no such study.</summary>
    public static async Task<PatientStudyRow[]?> OtherStudiesAsync(PorticoDbContext db, string studyUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var study = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid).Select(s => new { s.Id, s.Patient }).FirstOrDefaultAsync(cancellationToken);
        return study is null ? null : await StudiesAsync(db, study.Patient, study.Id, MaxOtherStudies, cancellationToken);
    }

    private static Task<PatientStudyRow[]> StudiesAsync(PorticoDbContext db, Patient patient, StudyId? except, int max, CancellationToken cancellationToken)
    {
        PatientRecordId record = patient.Id;
        string patientId = patient.PatientId;
        string issuer = patient.IssuerOfPatientId;
        IQueryable<Study> studies = patientId.Trim().Length == 0
            ? db.Studies.Where(s => s.PatientRecordId == record)
            : db.Studies.Where(s => s.PatientRecordId == record || (s.Patient.PatientId == patientId && s.Patient.IssuerOfPatientId == issuer));
        if (except is { } self)
        {
            studies = studies.Where(s => s.Id != self);
        }

        return studies.AsNoTracking().OrderByDescending(s => s.StudyDateTime).ThenByDescending(s => s.Id).Take(max)
            .Select(s => new PatientStudyRow(s.StudyInstanceUid, s.StudyDate, s.StudyTime, s.Description, s.Modalities, s.AccessionNumber, s.NumberOfInstances,
                s.Labels.Select(l => l.Label.Name).ToArray()))
            .ToArrayAsync(cancellationToken);
    }

    /// <summary>A literal for SQL LIKE: its own metacharacters escaped.</summary>
    private static string Like(string text)
    {
        var builder = new StringBuilder(text.Length + 4);
        foreach (char c in text)
        {
            if (c is '%' or '_' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
