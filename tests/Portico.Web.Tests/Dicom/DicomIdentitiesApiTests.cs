using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Xunit;

namespace Portico.Web.Tests.Dicom;

public sealed class DicomIdentitiesApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_Minimal_HasDefaultsAndIsListedAndAudited()
    {
        string ae = DicomTestClient.NewAETitle("EPIQ");

        JsonElement created = await factory.CreateIdentityAsync(new { name = "Room1_EPIQ7", aeTitle = ae });

        Assert.Equal("Room1_EPIQ7", created.GetProperty("name").GetString());
        Assert.Equal(ae, created.GetProperty("aeTitle").GetString());
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.False(created.GetProperty("allowAnonymousTls").GetBoolean());
        Assert.Equal(["C-ECHO", "C-STORE"], created.GetProperty("allowedOperations").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("host").ValueKind);
        Assert.Equal(0, created.GetProperty("associationCount").GetInt64());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("clientCertificate").ValueKind);

        using HttpClient client = factory.Admin();
        JsonElement list = await client.GetFromJsonAsync<JsonElement>("/api/dicom-identities", Ct);
        Assert.Contains(list.EnumerateArray(), i => i.GetProperty("aeTitle").GetString() == ae);
        string id = created.GetProperty("id").GetString()!;
        Assert.Equal(ae, (await client.GetFromJsonAsync<JsonElement>($"/api/dicom-identities/{id}", Ct)).GetProperty("aeTitle").GetString());
        Assert.Equal(["DicomIdentity.Created"], await AuditActionsAsync(id));
    }

    [Fact]
    public async Task Create_AllFields_AreStored()
    {
        string ae = DicomTestClient.NewAETitle("PACS");

        JsonElement created = await factory.CreateIdentityAsync(new
        {
            name = "Remote PACS",
            aeTitle = "  " + ae + " ",
            enabled = false,
            allowAnonymousTls = true,
            allowedOperations = new[] { "C-FIND", "C-MOVE", "C-GET" },
            host = "pacs.example.org",
            port = 104,
            allowedAddresses = new[] { "10.1.0.0/16", "192.168.1.7", "fd00::/8" },
        });

        Assert.Equal(ae, created.GetProperty("aeTitle").GetString());
        Assert.False(created.GetProperty("enabled").GetBoolean());
        Assert.True(created.GetProperty("allowAnonymousTls").GetBoolean());
        Assert.Equal(["C-FIND", "C-MOVE", "C-GET"], created.GetProperty("allowedOperations").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("pacs.example.org", created.GetProperty("host").GetString());
        Assert.Equal(104, created.GetProperty("port").GetInt32());
        Assert.Equal(3, created.GetProperty("allowedAddresses").GetArrayLength());
    }

    [Theory]
    [InlineData("aeTitle", "{\"name\":\"x\",\"aeTitle\":\"ABCDEFGHIJKLMNOPQ\"}")]
    [InlineData("aeTitle", "{\"name\":\"x\",\"aeTitle\":\"    \"}")]
    [InlineData("aeTitle", "{\"name\":\"x\",\"aeTitle\":\"BACK\\\\SLASH\"}")]
    [InlineData("aeTitle", "{\"name\":\"x\",\"aeTitle\":\"TAB\\tHERE\"}")]
    [InlineData("aeTitle", "{\"name\":\"x\",\"aeTitle\":\"ÉCHO\"}")]
    [InlineData("aeTitle", "{\"name\":\"x\"}")]
    [InlineData("name", "{\"name\":\" \",\"aeTitle\":\"VALID\"}")]
    [InlineData("allowedOperations", "{\"name\":\"x\",\"aeTitle\":\"VALID\",\"allowedOperations\":[\"C-ECHO\",\"c-store\"]}")]
    [InlineData("port", "{\"name\":\"x\",\"aeTitle\":\"VALID\",\"host\":\"h\",\"port\":70000}")]
    [InlineData("port", "{\"name\":\"x\",\"aeTitle\":\"VALID\",\"host\":\"h\",\"port\":0}")]
    [InlineData("port", "{\"name\":\"x\",\"aeTitle\":\"VALID\",\"host\":\"h\"}")]
    [InlineData("host", "{\"name\":\"x\",\"aeTitle\":\"VALID\",\"port\":104}")]
    [InlineData("host", "{\"name\":\"x\",\"aeTitle\":\"VALID\",\"host\":\"not a host\",\"port\":104}")]
    [InlineData("allowedAddresses", "{\"name\":\"x\",\"aeTitle\":\"VALID\",\"allowedAddresses\":[\"10.0.0.300\"]}")]
    [InlineData("allowedAddresses", "{\"name\":\"x\",\"aeTitle\":\"VALID\",\"allowedAddresses\":[\"10.0.0.1/8\"]}")]
    public async Task Create_Invalid_IsValidationProblemNamingTheField(string field, string json)
    {
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PostAsync("/api/dicom-identities", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Create_DuplicateAETitle_Is409_ButCaseDiffersIsAnotherIdentity()
    {
        string ae = DicomTestClient.NewAETitle("dup").ToUpperInvariant();
        await factory.CreateIdentityAsync(ae);
        using HttpClient client = factory.Admin();

        using HttpResponseMessage duplicate = await client.PostAsJsonAsync("/api/dicom-identities", new { name = "again", aeTitle = ae }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("application/problem+json", duplicate.Content.Headers.ContentType?.MediaType);
        Assert.Contains(ae, await duplicate.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // AE titles match exactly: the lower-case title is a different caller.
        await factory.CreateIdentityAsync(ae.ToLowerInvariant());
    }

    [Fact]
    public async Task Update_ReplacesSettings_AndIsAuditedWithBeforeAndAfter()
    {
        string ae = DicomTestClient.NewAETitle("UPD");
        string id = (await factory.CreateIdentityAsync(ae)).GetProperty("id").GetString()!;
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PutAsJsonAsync($"/api/dicom-identities/{id}", new
        {
            name = "Renamed",
            aeTitle = ae,
            allowedOperations = new[] { "C-ECHO" },
            host = "10.0.0.5",
            port = 11112,
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement updated = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Renamed", updated.GetProperty("name").GetString());
        Assert.Equal(["C-ECHO"], updated.GetProperty("allowedOperations").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(11112, updated.GetProperty("port").GetInt32());
        Assert.Equal(["DicomIdentity.Created", "DicomIdentity.Updated"], await AuditActionsAsync(id));
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        string details = await db.AuditEntries.Where(a => a.Target == "dicom-identity/" + id && a.Action == "DicomIdentity.Updated").Select(a => a.Details!).SingleAsync(Ct);
        using JsonDocument d = JsonDocument.Parse(details);
        Assert.Equal("Device " + ae, d.RootElement.GetProperty("before").GetProperty("name").GetString());
        Assert.Equal("Renamed", d.RootElement.GetProperty("after").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Update_ToAnotherIdentitysAETitle_Is409()
    {
        string taken = DicomTestClient.NewAETitle("TAKEN");
        await factory.CreateIdentityAsync(taken);
        string id = (await factory.CreateIdentityAsync(DicomTestClient.NewAETitle("MINE"))).GetProperty("id").GetString()!;
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PutAsJsonAsync($"/api/dicom-identities/{id}", new { name = "x", aeTitle = taken }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task DisableEnableDelete_AreAudited_AndDeleteIsFinal()
    {
        string ae = DicomTestClient.NewAETitle("OFF");
        string id = (await factory.CreateIdentityAsync(ae)).GetProperty("id").GetString()!;
        using HttpClient client = factory.Admin();

        JsonElement disabled = await (await client.PostAsync($"/api/dicom-identities/{id}/disable", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        JsonElement enabled = await (await client.PostAsync($"/api/dicom-identities/{id}/enable", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/dicom-identities/{id}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/dicom-identities/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/dicom-identities/{id}", Ct)).StatusCode);
        Assert.Equal(["DicomIdentity.Created", "DicomIdentity.Deleted", "DicomIdentity.Disabled", "DicomIdentity.Enabled"], await AuditActionsAsync(id));
    }

    [Fact]
    public async Task Unknown_Id_Is404()
    {
        using HttpClient client = factory.Admin();
        string id = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/dicom-identities/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/dicom-identities/{id}/disable", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync($"/api/dicom-identities/{id}", new { name = "x", aeTitle = "X" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/dicom-identities/{id}/client-certificate", null, Ct)).StatusCode);
    }

    private async Task<string[]> AuditActionsAsync(string id)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        List<string> actions = await db.AuditEntries.Where(a => a.Target == "dicom-identity/" + id).Select(a => a.Action).ToListAsync(Ct);
        return [.. actions.Order(StringComparer.Ordinal)];
    }
}
