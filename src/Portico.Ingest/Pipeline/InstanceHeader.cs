using System.Globalization;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;

namespace Portico.Ingest.Pipeline;

/// <summary>What the index needs from one instance's header (Study List and C-FIND attributes).</summary>
public sealed record InstanceHeader
{
    public required string SopClassUid { get; init; }

    public required string SopInstanceUid { get; init; }

    public required string StudyInstanceUid { get; init; }

    public required string SeriesInstanceUid { get; init; }

    public required string TransferSyntaxUid { get; init; }

    public string PatientName { get; init; } = string.Empty;

    public string PatientId { get; init; } = string.Empty;

    public string IssuerOfPatientId { get; init; } = string.Empty;

    public DateOnly? PatientBirthDate { get; init; }

    public string PatientSex { get; init; } = string.Empty;

    public DateOnly? StudyDate { get; init; }

    public string StudyTime { get; init; } = string.Empty;

    public string StudyDescription { get; init; } = string.Empty;

    public string AccessionNumber { get; init; } = string.Empty;

    public string ReferringPhysicianName { get; init; } = string.Empty;

    public string Modality { get; init; } = string.Empty;

    public int? SeriesNumber { get; init; }

    public string SeriesDescription { get; init; } = string.Empty;

    public string BodyPartExamined { get; init; } = string.Empty;

    public int? InstanceNumber { get; init; }

    /// <summary>Study date and time combined, for sorting; null without a study date.</summary>
    public DateTime? StudyDateTime => StudyDate is { } date ? date.ToDateTime(ParseTime(StudyTime)) : null;

    /// <summary>Reads the header attributes; text is decoded with the data set's character set.</summary>
    public static InstanceHeader From(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        DicomDataset ds = file.Dataset;
        return new InstanceHeader
        {
            SopClassUid = ds.GetString(DicomTags.SOPClassUID) ?? string.Empty,
            SopInstanceUid = ds.GetString(DicomTags.SOPInstanceUID) ?? string.Empty,
            StudyInstanceUid = ds.GetString(DicomTags.StudyInstanceUID) ?? string.Empty,
            SeriesInstanceUid = ds.GetString(DicomTags.SeriesInstanceUID) ?? string.Empty,
            TransferSyntaxUid = file.TransferSyntax.Uid,
            PatientName = ds.GetString(DicomTags.PatientName) ?? string.Empty,
            PatientId = ds.GetString(DicomTags.PatientID) ?? string.Empty,
            IssuerOfPatientId = ds.GetString(DicomTags.IssuerOfPatientID) ?? string.Empty,
            PatientBirthDate = ParseDate(ds.GetString(DicomTags.PatientBirthDate)),
            PatientSex = ds.GetString(DicomTags.PatientSex) ?? string.Empty,
            StudyDate = ParseDate(ds.GetString(DicomTags.StudyDate)),
            StudyTime = ds.GetString(DicomTags.StudyTime) ?? string.Empty,
            StudyDescription = ds.GetString(DicomTags.StudyDescription) ?? string.Empty,
            AccessionNumber = ds.GetString(DicomTags.AccessionNumber) ?? string.Empty,
            ReferringPhysicianName = ds.GetString(DicomTags.ReferringPhysicianName) ?? string.Empty,
            Modality = ds.GetString(DicomTags.Modality) ?? string.Empty,
            SeriesNumber = ParseInt(ds.GetString(DicomTags.SeriesNumber)),
            SeriesDescription = ds.GetString(DicomTags.SeriesDescription) ?? string.Empty,
            BodyPartExamined = ds.GetString(DicomTags.BodyPartExamined) ?? string.Empty,
            InstanceNumber = ParseInt(ds.GetString(DicomTags.InstanceNumber)),
        };
    }

    /// <summary>DA (PS3.5 §6.2): YYYYMMDD; the old YYYY.MM.DD form is tolerated.</summary>
    public static DateOnly? ParseDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        string digits = value.Replace(".", string.Empty, StringComparison.Ordinal).Trim();
        return DateOnly.TryParseExact(digits, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date) ? date : null;
    }

    private static TimeOnly ParseTime(string value)
    {
        // TM: HH[MM[SS[.F{1,6}]]], the old HH:MM:SS tolerated.
        string t = value.Replace(":", string.Empty, StringComparison.Ordinal).Trim();
        int hour = t.Length >= 2 && int.TryParse(t.AsSpan(0, 2), CultureInfo.InvariantCulture, out int h) && h < 24 ? h : 0;
        int minute = t.Length >= 4 && int.TryParse(t.AsSpan(2, 2), CultureInfo.InvariantCulture, out int m) && m < 60 ? m : 0;
        int second = t.Length >= 6 && int.TryParse(t.AsSpan(4, 2), CultureInfo.InvariantCulture, out int s) && s < 60 ? s : 0;
        return new TimeOnly(hour, minute, second);
    }

    private static int? ParseInt(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;
}
