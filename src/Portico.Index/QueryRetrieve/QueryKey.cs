using System.Globalization;
using System.Linq.Expressions;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Index.QueryRetrieve;

/// <summary>How a key's value is matched (PS3.4 §C.2.2.2).</summary>
internal enum KeyMatching
{
    /// <summary>Single value (case-sensitive), wildcard, universal.</summary>
    Text,

    /// <summary>Person name: case-insensitive single value and wildcard.</summary>
    PersonName,

    /// <summary>Single value, UID list, universal.</summary>
    Uid,

    /// <summary>Single value, range, universal.</summary>
    Date,

    /// <summary>Single value, range, universal.</summary>
    Time,

    /// <summary>Single integer value, universal.</summary>
    Integer,

    /// <summary>Any of the listed modalities.</summary>
    Modalities,

    /// <summary>Returned, never matched: a value in the request is ignored (counts, keys not indexed).</summary>
    ReturnOnly,
}

/// <summary>A supported key: its level, VR, how it matches and where its value comes from.</summary>
internal sealed record QueryKey(DicomTag Tag, QueryRetrieveLevel Level, DicomVR VR, KeyMatching Matching, Func<QueryRow, string> Value)
{
    /// <summary>The column matched (string keys); null for keys matched otherwise or not at all.</summary>
    public Expression<Func<QueryRow, string>>? Column { get; init; }

    private static readonly QueryKey[] All =
    [
        // PATIENT (in Study Root these belong to the STUDY level).
        Text(DicomTags.PatientName, QueryRetrieveLevel.Patient, DicomVR.PN, KeyMatching.PersonName, r => r.PatientName, r => r.PatientNameSearch),
        Text(DicomTags.PatientID, QueryRetrieveLevel.Patient, DicomVR.LO, KeyMatching.Text, r => r.PatientId, r => r.PatientId),
        Text(DicomTags.IssuerOfPatientID, QueryRetrieveLevel.Patient, DicomVR.LO, KeyMatching.Text, r => r.IssuerOfPatientId, r => r.IssuerOfPatientId),
        new(DicomTags.PatientBirthDate, QueryRetrieveLevel.Patient, DicomVR.DA, KeyMatching.Date, r => FormatDate(r.PatientBirthDate)),
        Text(DicomTags.PatientSex, QueryRetrieveLevel.Patient, DicomVR.CS, KeyMatching.Text, r => r.PatientSex, r => r.PatientSex),
        Count(DicomTags.NumberOfPatientRelatedStudies, QueryRetrieveLevel.Patient, r => r.PatientStudies),
        Count(DicomTags.NumberOfPatientRelatedSeries, QueryRetrieveLevel.Patient, r => r.PatientSeries),
        Count(DicomTags.NumberOfPatientRelatedInstances, QueryRetrieveLevel.Patient, r => r.PatientInstances),

        // STUDY
        Text(DicomTags.StudyInstanceUID, QueryRetrieveLevel.Study, DicomVR.UI, KeyMatching.Uid, r => r.StudyInstanceUid, r => r.StudyInstanceUid),
        new(DicomTags.StudyDate, QueryRetrieveLevel.Study, DicomVR.DA, KeyMatching.Date, r => FormatDate(r.StudyDate)),
        Text(DicomTags.StudyTime, QueryRetrieveLevel.Study, DicomVR.TM, KeyMatching.Time, r => r.StudyTime, r => r.StudyTime),
        Text(DicomTags.AccessionNumber, QueryRetrieveLevel.Study, DicomVR.SH, KeyMatching.Text, r => r.AccessionNumber, r => r.AccessionNumber),
        new(DicomTags.StudyID, QueryRetrieveLevel.Study, DicomVR.SH, KeyMatching.ReturnOnly, _ => ""),
        Text(DicomTags.StudyDescription, QueryRetrieveLevel.Study, DicomVR.LO, KeyMatching.Text, r => r.StudyDescription, r => r.StudyDescription),
        Text(DicomTags.ReferringPhysicianName, QueryRetrieveLevel.Study, DicomVR.PN, KeyMatching.PersonName, r => r.ReferringPhysicianName, r => r.ReferringPhysicianName),
        new(DicomTags.ModalitiesInStudy, QueryRetrieveLevel.Study, DicomVR.CS, KeyMatching.Modalities, r => r.Modalities),
        Count(DicomTags.NumberOfStudyRelatedSeries, QueryRetrieveLevel.Study, r => r.StudySeries),
        Count(DicomTags.NumberOfStudyRelatedInstances, QueryRetrieveLevel.Study, r => r.StudyInstances),

        // SERIES
        Text(DicomTags.SeriesInstanceUID, QueryRetrieveLevel.Series, DicomVR.UI, KeyMatching.Uid, r => r.SeriesInstanceUid, r => r.SeriesInstanceUid),
        Text(DicomTags.Modality, QueryRetrieveLevel.Series, DicomVR.CS, KeyMatching.Text, r => r.Modality, r => r.Modality),
        new(DicomTags.SeriesNumber, QueryRetrieveLevel.Series, DicomVR.IS, KeyMatching.Integer, r => FormatInteger(r.SeriesNumber)),
        Text(DicomTags.SeriesDescription, QueryRetrieveLevel.Series, DicomVR.LO, KeyMatching.Text, r => r.SeriesDescription, r => r.SeriesDescription),
        Text(DicomTags.BodyPartExamined, QueryRetrieveLevel.Series, DicomVR.CS, KeyMatching.Text, r => r.BodyPartExamined, r => r.BodyPartExamined),
        Count(DicomTags.NumberOfSeriesRelatedInstances, QueryRetrieveLevel.Series, r => r.SeriesInstances),

        // IMAGE
        Text(DicomTags.SOPInstanceUID, QueryRetrieveLevel.Image, DicomVR.UI, KeyMatching.Uid, r => r.SopInstanceUid, r => r.SopInstanceUid),
        Text(DicomTags.SOPClassUID, QueryRetrieveLevel.Image, DicomVR.UI, KeyMatching.Uid, r => r.SopClassUid, r => r.SopClassUid),
        new(DicomTags.InstanceNumber, QueryRetrieveLevel.Image, DicomVR.IS, KeyMatching.Integer, r => FormatInteger(r.InstanceNumber)),
    ];

    private static readonly Dictionary<DicomTag, QueryKey> ByTag = All.ToDictionary(k => k.Tag);

    public static IReadOnlyList<QueryKey> Supported => All;

    public static QueryKey? Find(DicomTag tag) => ByTag.GetValueOrDefault(tag);

    /// <summary>The key's level in <paramref name="model"/>: patient keys are study keys in Study Root.</summary>
    public QueryRetrieveLevel LevelIn(QueryRetrieveModel model) =>
        model == QueryRetrieveModel.StudyRoot && Level == QueryRetrieveLevel.Patient ? QueryRetrieveLevel.Study : Level;

    private static QueryKey Text(
        DicomTag tag, QueryRetrieveLevel level, DicomVR vr, KeyMatching matching, Func<QueryRow, string> value,
        Expression<Func<QueryRow, string>> column) =>
        new(tag, level, vr, matching, value) { Column = column };

    private static QueryKey Count(DicomTag tag, QueryRetrieveLevel level, Func<QueryRow, int> value) =>
        new(tag, level, DicomVR.IS, KeyMatching.ReturnOnly, r => value(r).ToString(CultureInfo.InvariantCulture));

    private static string FormatDate(DateOnly? date) =>
        date?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "";

    private static string FormatInteger(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
