using System.Net;
using System.Text.Json;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>
/// Found by checking the index column limits against what the fuzzing showed files can carry: on PostgreSQL, a file whose Patient's Sex, Modality or Study Time is longer than its index column
/// (non-conformant, but it happens) was answered as stored and then never indexed: <c>varchar(n)</c> refused the row,
/// and start-up recovery would have failed the same way. Such values are now indexed cut short, the file kept as it came;
/// on SQLite, which does not check lengths, the index holds the same.
/// </summary>
public abstract class OverlongValuesTestsBase(PorticoFactory factory)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OverlongSexModalityAndStudyTime_AreStoredAndIndexedCutShort_TheFileUnchanged()
    {
        const string sex = "MALEFEMALEOTHERXYZ";
        const string modality = "CTMRUSXAPTNMOTSRDOCX";
        const string studyTime = "1234567890123456789012345678901234567890";
        byte[] bytes = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out string sopUid, change: ds =>
        {
            ds.AddOrUpdate(DicomTags.PatientSex, DicomVR.CS, sex);
            ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, modality);
            ds.AddOrUpdate(DicomTags.StudyTime, DicomVR.TM, studyTime);
        });

        using HttpResponseMessage upload = await factory.PostDicomAsync(bytes);
        string outcome = await upload.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal("Stored", JsonDocument.Parse(outcome).RootElement[0].GetProperty("status").GetString());
        using HttpClient client = factory.Admin();
        using JsonDocument study = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{studyUid}", Ct));
        JsonElement root = study.RootElement;
        Assert.Equal(sex[..16], root.GetProperty("patientSex").GetString());
        Assert.Equal(studyTime[..32], root.GetProperty("studyTime").GetString());
        Assert.Equal(modality[..16], root.GetProperty("modalities").GetString());
        Assert.Equal(modality[..16], root.GetProperty("series")[0].GetProperty("modality").GetString());
        Assert.Equal(bytes, await client.GetByteArrayAsync($"/api/instances/{sopUid}/file", Ct));
    }

    /// <summary>The name of an uploaded stress-test XML is user input: one longer than its column (256) is kept cut short.</summary>
    [Fact]
    public async Task StressTest_FileNameLongerThanItsColumn_IsImportedWithTheNameCutShort()
    {
        string xml = System.Text.Encoding.Latin1.GetString(StressTests.StressTestSamples.Bytes(StressTests.StressTestSamples.Bruce))
            .Replace("<PID>TEST-000101</PID>", $"<PID>LONG-{Guid.NewGuid():N}</PID>", StringComparison.Ordinal);
        string name = new string('x', 300) + ".xml";
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(System.Text.Encoding.Latin1.GetBytes(xml)), "xml", name);
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PostAsync("/api/stress-tests", form, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        string studyUid = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("studyInstanceUid").GetString()!;
        using JsonDocument test = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{studyUid}/stress-test", Ct));
        Assert.Equal(name[..256], test.RootElement.GetProperty("xmlFileName").GetString());
    }
}

public sealed class OverlongValuesTests(PorticoFactory factory) : OverlongValuesTestsBase(factory), IClassFixture<PorticoFactory>;

public sealed class OverlongValuesPostgresTests(PostgresPorticoFactory factory) : OverlongValuesTestsBase(factory), IClassFixture<PostgresPorticoFactory>;
