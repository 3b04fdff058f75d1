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

    /// <summary>
    /// Reads the header attributes; text is decoded with the data set's character set. A NUL character inside a value
    /// (PS3.5 allows it only as a UID's padding; damaged files have them anywhere) is left out: PostgreSQL refuses text
    /// that holds one, and the instance, answered as stored, would never have reached the index. UIDs are taken as they
    /// are, so that the validator refuses one with a NUL inside rather than indexing another UID than the file's.
    /// </summary>
    public static InstanceHeader From(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        DicomDataset ds = file.Dataset;
        string Text(DicomTag tag) => ds.GetString(tag) is { } value ? value.Replace("\0", "", StringComparison.Ordinal) : string.Empty;
        return new InstanceHeader
        {
            SopClassUid = ds.GetString(DicomTags.SOPClassUID) ?? string.Empty,
            SopInstanceUid = ds.GetString(DicomTags.SOPInstanceUID) ?? string.Empty,
            StudyInstanceUid = ds.GetString(DicomTags.StudyInstanceUID) ?? string.Empty,
            SeriesInstanceUid = ds.GetString(DicomTags.SeriesInstanceUID) ?? string.Empty,
            TransferSyntaxUid = file.TransferSyntax.Uid,
            PatientName = Text(DicomTags.PatientName),
            PatientId = Text(DicomTags.PatientID),
            IssuerOfPatientId = Text(DicomTags.IssuerOfPatientID),
            PatientBirthDate = ParseDate(ds.GetString(DicomTags.PatientBirthDate)),
            PatientSex = Text(DicomTags.PatientSex),
            StudyDate = ParseDate(ds.GetString(DicomTags.StudyDate)),
            StudyTime = Text(DicomTags.StudyTime),
            StudyDescription = Text(DicomTags.StudyDescription),
            AccessionNumber = Text(DicomTags.AccessionNumber),
            ReferringPhysicianName = Text(DicomTags.ReferringPhysicianName),
            Modality = Text(DicomTags.Modality),
            SeriesNumber = ParseInt(ds.GetString(DicomTags.SeriesNumber)),
            SeriesDescription = Text(DicomTags.SeriesDescription),
            BodyPartExamined = Text(DicomTags.BodyPartExamined),
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
