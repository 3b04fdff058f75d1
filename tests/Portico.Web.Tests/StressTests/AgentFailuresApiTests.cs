using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portico.Index.Access;
using Xunit;

namespace Portico.Web.Tests.StressTests;

/// <summary>/api/agent-failures: what the agent reports, who may see and retry it, and that only its agent takes it back.</summary>
public sealed class AgentFailuresApiTests : IAsyncLifetime
{
    private readonly PorticoFactory _server = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static object Report(string folder = "failed/20261206T100000Z") => new { folder, files = new[] { "test1.xml", "test1.pdf" }, reason = "The server refused test1 (400): not a stress test." };

    [Fact]
    public async Task A_reported_failure_is_listed_retried_by_staff_and_taken_back_only_by_its_agent()
    {
        using HttpClient agent = _server.ClientWithKey(await _server.CreateKeyAsync(Permissions.StudiesUpload));
        using HttpClient otherAgent = _server.ClientWithKey(await _server.CreateKeyAsync(Permissions.StudiesUpload));
        using HttpClient staff = _server.Admin();

        using HttpResponseMessage created = await agent.PostAsJsonAsync("/api/agent-failures", Report(), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;

        JsonElement listed = Assert.Single(await staff.GetFromJsonAsync<JsonElement[]>("/api/agent-failures", Ct) ?? []);
        Assert.Equal("test1.xml, test1.pdf", listed.GetProperty("files").GetString());
        Assert.Equal("test Studies.Upload", listed.GetProperty("agentName").GetString());
        Assert.Empty(await agent.GetFromJsonAsync<JsonElement[]>("/api/agent-failures/retries", Ct) ?? []);

        using HttpResponseMessage retryAll = await staff.PostAsync("/api/agent-failures/retry-all", null, Ct);
        Assert.Equal(1, await retryAll.Content.ReadFromJsonAsync<int>(Ct));
        Assert.Empty(await otherAgent.GetFromJsonAsync<JsonElement[]>("/api/agent-failures/retries", Ct) ?? []);
        JsonElement retry = Assert.Single(await agent.GetFromJsonAsync<JsonElement[]>("/api/agent-failures/retries", Ct) ?? []);
        Assert.Equal("failed/20261206T100000Z", retry.GetProperty("folder").GetString());

        using HttpResponseMessage stolen = await otherAgent.PostAsync($"/api/agent-failures/{id}/resolved", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        using HttpResponseMessage resolved = await agent.PostAsync($"/api/agent-failures/{id}/resolved", null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, resolved.StatusCode);
        Assert.Empty(await staff.GetFromJsonAsync<JsonElement[]>("/api/agent-failures", Ct) ?? []);
        Assert.Contains("AgentFailure.RetryRequested", await staff.GetStringAsync("/api/audit?action=AgentFailure.RetryRequested", Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("processed/20261206T100000Z")]
    [InlineData("failed/../../etc")]
    [InlineData("failed/..")]
    [InlineData("/etc/passwd")]
    [InlineData("failed/")]
    public async Task A_folder_outside_failed_is_refused(string folder)
    {
        using HttpClient agent = _server.ClientWithKey(await _server.CreateKeyAsync(Permissions.StudiesUpload));

        using HttpResponseMessage response = await agent.PostAsJsonAsync("/api/agent-failures", Report(folder), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("failed/<timestamp>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_agent_reports_and_a_key_without_upload_sees_nothing()
    {
        using HttpClient viewer = _server.ClientWithKey(await _server.CreateKeyAsync(Permissions.StudiesView));
        using HttpResponseMessage forbidden = await viewer.GetAsync("/api/agent-failures", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using HttpClient anonymous = _server.CreateClient();
        using HttpResponseMessage unauthorized = await anonymous.PostAsJsonAsync("/api/agent-failures", Report(), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }
}
