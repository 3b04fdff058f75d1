using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Xunit;

namespace Portico.Web.Tests;

public sealed class StudiesApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Search_ByPatientIdAndModality_FindsTheUploadedStudy()
    {
        string studyUid = await UploadAsync("CT_small.dcm");
        using HttpClient client = factory.Admin();

        using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync("/api/studies?patientId=1CT1&modality=CT&pageSize=200", Ct));

        Assert.Contains(page.RootElement.GetProperty("items").EnumerateArray(), s => s.GetProperty("studyInstanceUid").GetString() == studyUid);
        Assert.True(page.RootElement.GetProperty("total").GetInt32() >= 1);
    }

    [Fact]
    public async Task Search_BadParameters_IsValidationProblem()
    {
        using HttpClient client = factory.Admin();
        HttpResponseMessage response = await client.GetAsync("/api/studies?status=Sleeping&pageSize=1000", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("status", body, StringComparison.Ordinal);
        Assert.Contains("pageSize", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStudy_ReturnsSeriesCountsAndSource()
    {
        string studyUid = await UploadAsync("MR_small.dcm");
        using HttpClient client = factory.Admin();

        using JsonDocument study = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{studyUid}", Ct));

        Assert.Equal(1, study.RootElement.GetProperty("numberOfInstances").GetInt32());
        Assert.Equal("MR", study.RootElement.GetProperty("modalities").GetString());
        Assert.Equal("ApiKey", study.RootElement.GetProperty("sources")[0].GetProperty("kind").GetString());
        Assert.Single(study.RootElement.GetProperty("series").EnumerateArray());
    }

    [Fact]
    public async Task Labels_AddAndRemove_AreAudited()
    {
        string studyUid = await UploadAsync("CT_small.dcm");
        using HttpClient client = factory.Admin();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/api/studies/{studyUid}/labels/Uploaded", null, Ct)).StatusCode);
        using (JsonDocument study = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{studyUid}", Ct)))
        {
            Assert.Equal(["Uploaded"], study.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        }

        using (JsonDocument page = JsonDocument.Parse(await client.GetStringAsync("/api/studies?label=Uploaded&pageSize=200", Ct)))
        {
            Assert.Contains(page.RootElement.GetProperty("items").EnumerateArray(), s => s.GetProperty("studyInstanceUid").GetString() == studyUid);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/studies/{studyUid}/labels/Uploaded", Ct)).StatusCode);
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        List<string> actions = await db.AuditEntries.Where(a => a.Target == studyUid).Select(a => a.Action).ToListAsync(Ct);
        Assert.Equal(["Study.LabelAdded", "Study.LabelRemoved"], actions.Order());
    }

    [Fact]
    public async Task Status_Set_IsStoredAndAudited()
    {
        string studyUid = await UploadAsync("rtplan.dcm");
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.PutAsJsonAsync($"/api/studies/{studyUid}/status", new { status = "Finalized" }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using JsonDocument study = JsonDocument.Parse(await client.GetStringAsync($"/api/studies/{studyUid}", Ct));
        Assert.Equal("Finalized", study.RootElement.GetProperty("workflowStatus").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync($"/api/studies/{studyUid}/status", new { status = "Done" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Archive_ContainsEveryInstance()
    {
        string studyUid = await UploadAsync("CT_small.dcm");
        using HttpClient client = factory.Admin();

        await using Stream zip = await client.GetStreamAsync($"/api/studies/{studyUid}/archive", Ct);
        using var archive = new System.IO.Compression.ZipArchive(zip);

        System.IO.Compression.ZipArchiveEntry entry = Assert.Single(archive.Entries);
        Assert.EndsWith(".dcm", entry.FullName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_Study_Is404()
    {
        using HttpClient client = factory.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/studies/1.2.3.4.5.6.7", Ct)).StatusCode);
    }

    private async Task<string> UploadAsync(string name)
    {
        byte[] bytes = TestFiles.WithNewUids(name, out string studyUid, out _);
        using HttpResponseMessage response = await factory.PostDicomAsync(bytes);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return studyUid;
    }
}
