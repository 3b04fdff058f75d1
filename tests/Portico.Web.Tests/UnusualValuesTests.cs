using System.Net;
using System.Text.Json;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>
/// Values the index's columns did not take. Found by checking the column limits against what the fuzzing showed files
/// can carry: on PostgreSQL, a file whose Patient's Sex, Modality or Study Time is longer than its index column
/// (non-conformant, but it happens) was answered as stored and then never indexed: <c>varchar(n)</c> refused the row,
/// and start-up recovery would have failed the same way. Such values are now indexed cut short, the file kept as it came;
/// on SQLite, which does not check lengths, the index holds the same.
/// </summary>
public abstract class UnusualValuesTestsBase(PorticoFactory factory)
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

    /// <summary>
    /// Found the same way: a NUL character inside a text value (a damaged file). PostgreSQL refuses text holding one, so
    /// the instance was answered as stored and never indexed; the index now holds the value without it.
    /// </summary>
    [Fact]
    public async Task NulCharactersInsideTextValues_AreLeftOutOfTheIndex_TheFileUnchanged()
    {
        byte[] bytes = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out string sopUid, change: ds =>
        {
            ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, "NUL\0INSIDE^Name");
            ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, "ID\0X");
            ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "desc\0with nul");
        });

        using HttpResponseMessage upload = await factory.PostDicomAsync(bytes);

        Assert.Equal("Stored", JsonDocument.Parse(await upload.Content.ReadAsStringAsync(Ct)).RootElement[0].GetProperty("status").GetString());
        using HttpClient client = factory.Admin();
        using JsonDocument study = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{studyUid}", Ct));
        Assert.Equal("NULINSIDE^Name", study.RootElement.GetProperty("patientName").GetString());
        Assert.Equal("IDX", study.RootElement.GetProperty("patientId").GetString());
        Assert.Equal("descwith nul", study.RootElement.GetProperty("description").GetString());
        Assert.Equal(bytes, await client.GetByteArrayAsync($"/api/instances/{sopUid}/file", Ct));
    }

    /// <summary>
    /// A NUL character in a query string, a JSON body or tus metadata is refused with 400 (found by fuzzing the API on
    /// PostgreSQL, which refuses such text: every study, audit and association filter answered 500).
    /// </summary>
    [Theory]
    [InlineData("/api/studies?patientName=a%00b")]
    [InlineData("/api/studies?q=a%00b")]
    [InlineData("/api/studies?label=x%00")]
    [InlineData("/api/audit?actor=a%00")]
    [InlineData("/api/dicom/associations?callingAeTitle=A%00")]
    public async Task NulCharacterInAQueryString_Is400(string url)
    {
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("NUL", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NulCharacterInJsonOrTusMetadata_Is400()
    {
        using HttpClient client = factory.Admin();
        using var json = new StringContent("""{"name":"Bad\u0000Name","aeTitle":"NULTEST","allowedOperations":["C-ECHO"]}""", System.Text.Encoding.UTF8, "application/json");
        using var tus = new HttpRequestMessage(HttpMethod.Post, "/api/uploads");
        tus.Headers.Add("Tus-Resumable", "1.0.0");
        tus.Headers.Add("Upload-Length", "10");
        tus.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String("a\0b.dcm"u8));

        using HttpResponseMessage identity = await client.PostAsync("/api/dicom-identities", json, Ct);
        using HttpResponseMessage upload = await client.SendAsync(tus, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, identity.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Contains("NUL", await upload.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
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

public sealed class UnusualValuesTests(PorticoFactory factory) : UnusualValuesTestsBase(factory), IClassFixture<PorticoFactory>;

public sealed class UnusualValuesPostgresTests(PostgresPorticoFactory factory) : UnusualValuesTestsBase(factory), IClassFixture<PostgresPorticoFactory>;
