using System.Net.Http.Headers;
using System.Text;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Xunit;

namespace Portico.Web.Tests.StressTests;

/// <summary>An echo study a test builds (samples README: fixtures F1–F6), as small US headers.</summary>
internal sealed record EchoStudy
{
    public string StudyInstanceUid { get; } = UidGenerator.NewUid();

    public required string PatientId { get; init; }

    public string PatientName { get; init; } = "TESTPATIENT^ALPHA";

    public string BirthDate { get; init; } = "19610415";

    public string Sex { get; init; } = "M";

    public required string StudyDate { get; init; }

    public string StudyTime { get; init; } = "";

    public string Description { get; init; } = "Exercise stress echo";

    /// <summary>Number of Stages and Number of Views in Stage (primary evidence).</summary>
    public bool Staged { get; init; } = true;

    /// <summary>Only Stage Name (secondary evidence), without the staged-protocol counts.</summary>
    public string? StageNameOnly { get; init; }

    public int Instances { get; init; } = 2;
}

internal static class EchoFixtures
{
    public const string UltrasoundMultiframe = "1.2.840.10008.5.1.4.1.1.3.1";

    /// <summary>A patient ID no other test uses, with the sample's shape.</summary>
    public static string NewPatientId() => "TEST-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    public static byte[] Instance(EchoStudy study, string seriesUid, int number)
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 100");
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, UltrasoundMultiframe);
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, UidGenerator.NewUid());
        ds.AddOrUpdate(DicomTags.StudyDate, DicomVR.DA, study.StudyDate);
        ds.AddOrUpdate(DicomTags.StudyTime, DicomVR.TM, study.StudyTime);
        ds.AddOrUpdate(DicomTags.AccessionNumber, DicomVR.SH, "");
        ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "US");
        ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, study.Description);
        if (study.Staged)
        {
            ds.AddOrUpdate(DicomTags.StageName, DicomVR.SH, number == 1 ? "BASELINE" : "PEAK-EXERCISE");
            ds.AddOrUpdate(DicomTags.StageNumber, DicomVR.IS, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            ds.AddOrUpdate(DicomTags.NumberOfStages, DicomVR.IS, "4");
            ds.AddOrUpdate(DicomTags.NumberOfViewsInStage, DicomVR.IS, "4");
        }
        else if (study.StageNameOnly is { } stage)
        {
            ds.AddOrUpdate(DicomTags.StageName, DicomVR.SH, stage);
        }

        ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, study.PatientName);
        ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, study.PatientId);
        ds.AddOrUpdate(DicomTags.PatientBirthDate, DicomVR.DA, study.BirthDate);
        ds.AddOrUpdate(DicomTags.PatientSex, DicomVR.CS, study.Sex);
        ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, study.StudyInstanceUid);
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
        ds.AddOrUpdate(DicomTags.SeriesNumber, DicomVR.IS, "1");
        ds.AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var output = new MemoryStream();
        DicomFileWriter.WriteAsync(new DicomFile(new DicomDataset(), ds, TransferSyntax.ExplicitVRLittleEndian), output).GetAwaiter().GetResult();
        return output.ToArray();
    }

    /// <summary>Stores the study's instances through the instances API.</summary>
    public static async Task<EchoStudy> StoreAsync(HttpClient admin, EchoStudy study)
    {
        string series = UidGenerator.NewUid();
        for (int i = 1; i <= study.Instances; i++)
        {
            using var content = new ByteArrayContent(Instance(study, series, i));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            using HttpResponseMessage response = await admin.PostAsync("/api/instances", content, TestContext.Current.CancellationToken);
            string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode && body.Contains("\"Stored\"", StringComparison.Ordinal), body);
        }

        return study;
    }

    /// <summary>
    /// A sample XML made unique for one test: its Patient ID replaced (so tests do not see each other's studies) and a
    /// comment appended (so its SHA-256 differs). Bytes stay ISO-8859-1.
    /// </summary>
    public static byte[] Variant(string sample, string samplePatientId, string patientId, Func<string, string>? change = null)
    {
        string text = Encoding.Latin1.GetString(StressTestSamples.Bytes(sample)).Replace(samplePatientId, patientId, StringComparison.Ordinal);
        text = (change?.Invoke(text) ?? text) + "<!-- " + Guid.NewGuid().ToString("N") + " -->\n";
        return Encoding.Latin1.GetBytes(text);
    }
}
