using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Portico.Web.Tests.DicomNetwork;
using Xunit;

namespace Portico.Web.Tests.DicomWeb;

/// <summary>
/// A third-party DICOMweb client against Portico's DICOMweb on a real socket: Orthanc's DICOMweb plugin (Debian
/// packages orthanc and orthanc-dicomweb, installed by scripts/test.sh), driven through Orthanc's REST API, stores
/// into Portico with STOW-RS (chunked, several studies in one request), searches it with QIDO-RS and pulls a study
/// from it with WADO-RS.
/// </summary>
public sealed class DicomWebOrthancTests : IAsyncLifetime
{
    private readonly PorticoFactory _server = new();
    private OrthancProcess? _orthanc;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrthancProcess Orthanc => _orthanc ?? throw new InvalidOperationException("Orthanc is not started.");

    public async ValueTask InitializeAsync()
    {
        _server.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _server.StartServer();
        using HttpClient client = _server.CreateClient();
        _orthanc = await OrthancProcess.StartAsync((new Uri(client.BaseAddress!, "/api/dicomweb/"), PorticoFactory.AdminKey), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_orthanc is not null)
        {
            await _orthanc.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task OrthancStows_InstancesOfTwoStudies_PorticoStoresTheirBytes()
    {
        byte[] ct = TestFiles.WithNewUids("CT_small.dcm", out _, out string ctSop);
        byte[] mr = TestFiles.WithNewUids("MR_small.dcm", out _, out string mrSop);
        string ctId = await Orthanc.UploadAsync(ct, Ct);
        string mrId = await Orthanc.UploadAsync(mr, Ct);

        JsonElement answer = await Orthanc.PostJsonAsync("dicom-web/servers/portico/stow", new { Resources = new[] { ctId, mrId } }, Ct);

        Assert.Equal("2", answer.GetProperty("InstancesCount").GetString());
        using HttpClient client = _server.Admin();
        Assert.Equal(ct, await client.GetByteArrayAsync($"/api/instances/{ctSop}/file", Ct));
        Assert.Equal(mr, await client.GetByteArrayAsync($"/api/instances/{mrSop}/file", Ct));
    }

    [Fact]
    public async Task OrthancSearches_WithQido_FindsTheStudyByNameAndDate()
    {
        string name = "ORTHANCQIDO" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        byte[] file = DicomSamples.WithNewUids("CT_small.dcm", out string study, out _, change: ds =>
        {
            ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, name + "^EVA");
            ds.AddOrUpdate(DicomTags.StudyDate, DicomVR.DA, "20230610");
        });
        await StoreInPorticoAsync(file);

        JsonElement found = await Orthanc.PostJsonAsync(
            "dicom-web/servers/portico/qido",
            new { Uri = "/studies", Arguments = new Dictionary<string, string> { ["PatientName"] = name + "*", ["StudyDate"] = "20230601-20230630" } },
            Ct);
        JsonElement none = await Orthanc.PostJsonAsync(
            "dicom-web/servers/portico/qido",
            new { Uri = "/studies", Arguments = new Dictionary<string, string> { ["PatientName"] = name + "*", ["StudyDate"] = "20230701-" } },
            Ct);

        // Orthanc hands its caller its own simplified form of each DICOM JSON object: the first value as a string.
        JsonElement match = Assert.Single(found.EnumerateArray());
        Assert.Equal(study, match.GetProperty("0020000D").GetProperty("Value").GetString());
        Assert.Equal(name + "^EVA", match.GetProperty("00100010").GetProperty("Value").GetString());
        Assert.Equal("20230610", match.GetProperty("00080020").GetProperty("Value").GetString());
        Assert.Empty(none.EnumerateArray());
    }

    [Fact]
    public async Task OrthancRetrieves_AStudyWithWado_AndHoldsTheSameBytes()
    {
        byte[] file = TestFiles.WithNewUids("MR_small.dcm", out string study, out string sop);
        await StoreInPorticoAsync(file);

        JsonElement answer = await Orthanc.PostJsonAsync("dicom-web/servers/portico/retrieve", new { Resources = new[] { new { Study = study } } }, Ct);
        JsonElement metadata = await Orthanc.PostJsonAsync("dicom-web/servers/portico/get", new { Uri = $"/studies/{study}/metadata" }, Ct);

        Assert.Equal("1", answer.GetProperty("ReceivedInstancesCount").GetString());
        using HttpResponseMessage lookup = await Orthanc.Http.PostAsync("tools/lookup", new StringContent(sop), Ct);
        using JsonDocument found = JsonDocument.Parse(await lookup.Content.ReadAsStringAsync(Ct));
        string orthancId = Assert.Single(found.RootElement.EnumerateArray()).GetProperty("ID").GetString()!;
        Assert.Equal(file, await Orthanc.Http.GetByteArrayAsync($"instances/{orthancId}/file", Ct));
        JsonElement instance = Assert.Single(metadata.EnumerateArray());
        Assert.Equal(sop, instance.GetProperty("00080018").GetProperty("Value")[0].GetString());
    }

    private async Task StoreInPorticoAsync(byte[] file)
    {
        using HttpClient client = _server.Admin();
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using HttpResponseMessage response = await client.PostAsync("/api/instances", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
