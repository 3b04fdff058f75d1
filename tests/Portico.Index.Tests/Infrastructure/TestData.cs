using System.Globalization;
using System.Numerics;
using Portico.Index.Studies;

namespace Portico.Index.Tests.Infrastructure;

/// <summary>Builds rows with unique UIDs, so tests sharing a database never see each other's data.</summary>
internal static class TestData
{
    public static readonly DateTime Received = new(2025, 3, 14, 9, 26, 53, DateTimeKind.Utc);

    /// <summary>A UID under the UUID root (PS3.5 §B.2): <c>2.25.</c> and the decimal value of a new GUID.</summary>
    public static string Uid() =>
        "2.25." + new BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true).ToString(CultureInfo.InvariantCulture);

    /// <summary>A source name no other test uses: filtering by it isolates a test's studies.</summary>
    public static string UniqueSource() => "test-" + Guid.NewGuid().ToString("N");

    public static Patient Patient(string name = "DOE^JANE", string? patientId = null, DateOnly? birthDate = null) => new()
    {
        PatientId = patientId ?? "PID-" + Guid.NewGuid().ToString("N")[..12],
        PatientName = name,
        BirthDate = birthDate,
        Sex = "F",
    };

    public static Study Study(Patient patient, string sourceName, DateTime? studyDateTime = null) => new()
    {
        StudyInstanceUid = Uid(),
        Patient = patient,
        StudyDate = studyDateTime is { } at ? DateOnly.FromDateTime(at) : null,
        StudyTime = studyDateTime is { } time ? time.ToString("HHmmss", CultureInfo.InvariantCulture) : "",
        StudyDateTime = studyDateTime,
        Description = "Echocardiogram",
        AccessionNumber = "ACC-" + Guid.NewGuid().ToString("N")[..10],
        Modalities = "US",
        NumberOfSeries = 1,
        NumberOfInstances = 1,
        SizeBytes = 1024,
        ReceivedAt = Received,
        LastReceivedAt = Received,
        SourceKind = IngestSourceKind.DicomIdentity,
        SourceName = sourceName,
    };

    public static Series Series(Study study) => new()
    {
        SeriesInstanceUid = Uid(),
        Study = study,
        SeriesNumber = 1,
        Modality = "US",
    };

    public static Instance Instance(Series series) => new()
    {
        SopInstanceUid = Uid(),
        Series = series,
        SopClassUid = "1.2.840.10008.5.1.4.1.1.6.1",
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        SizeBytes = 1024,
        Sha256 = new string('a', 64),
        BlobKey = "blobs/" + Guid.NewGuid().ToString("N"),
        ReceivedAt = Received,
        Source = new IngestSource(IngestSourceKind.DicomIdentity, "identity-1", "Room1_EPIQ7", "192.0.2.10:104"),
    };
}
