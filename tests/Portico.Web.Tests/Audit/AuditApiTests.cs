using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Audit;
using Xunit;

namespace Portico.Web.Tests.Audit;

public sealed class AuditApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_WithoutAuditView_IsForbidden()
    {
        string key = await factory.CreateKeyAsync(Permissions.StudiesView, Permissions.IntegrationsDicom);
        using HttpClient client = factory.ClientWithKey(key);

        HttpResponseMessage response = await client.GetAsync("/api/audit", Ct);
        HttpResponseMessage actions = await client.GetAsync("/api/audit/actions", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, actions.StatusCode);
        using HttpClient anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/audit", Ct)).StatusCode);
    }

    [Fact]
    public async Task List_FiltersByActorActionTargetAndTime_NewestFirstWithPaging()
    {
        string tag = Guid.NewGuid().ToString("N")[..8];
        var at = new DateTime(2031, 3, 4, 10, 0, 0, DateTimeKind.Utc);
        await AddAsync(
            Entry(at, $"alice-{tag}@test.local", $"Test.Created{tag}", $"thing/{tag}/1"),
            Entry(at.AddMinutes(1), $"alice-{tag}@test.local", $"Test.Updated{tag}", $"thing/{tag}/1", reason: "typo"),
            Entry(at.AddMinutes(2), $"bob-{tag}@test.local", $"Test.Updated{tag}", $"thing/{tag}/2"),
            Entry(at.AddDays(1), $"bob-{tag}@test.local", $"Test.Deleted{tag}", $"thing/{tag}/2"));
        string key = await factory.CreateKeyAsync(Permissions.AuditView);
        using HttpClient client = factory.ClientWithKey(key);

        JsonElement byActor = await GetAsync(client, $"/api/audit?actor=alice-{tag}");
        JsonElement byAction = await GetAsync(client, $"/api/audit?action=Test.Updated{tag}");
        JsonElement byTarget = await GetAsync(client, $"/api/audit?target={tag}/2");
        JsonElement byTime = await GetAsync(client, $"/api/audit?target={tag}&from=2031-03-04T10:01:00Z&to=2031-03-05T00:00:00Z");
        JsonElement paged = await GetAsync(client, $"/api/audit?target={tag}&pageSize=3&page=2");
        string[] actions = await client.GetFromJsonAsync<string[]>("/api/audit/actions", Ct) ?? [];

        Assert.Equal([$"Test.Updated{tag}", $"Test.Created{tag}"], Actions(byActor));
        Assert.Equal("typo", byActor.GetProperty("items")[0].GetProperty("reason").GetString());
        Assert.Equal([$"bob-{tag}@test.local", $"alice-{tag}@test.local"], byAction.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("actor").GetString()));
        Assert.Equal([$"Test.Deleted{tag}", $"Test.Updated{tag}"], Actions(byTarget));
        Assert.Equal(2, byTime.GetProperty("total").GetInt32());
        Assert.Equal(4, paged.GetProperty("total").GetInt32());
        Assert.Equal([$"Test.Created{tag}"], Actions(paged));
        Assert.Contains($"Test.Deleted{tag}", actions);
    }

    [Fact]
    public async Task List_BadPaging_IsAValidationProblem()
    {
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.GetAsync("/api/audit?page=0&pageSize=1000", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("page", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("pageSize", out _));
    }

    private static string?[] Actions(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString())];

    private static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        HttpResponseMessage response = await client.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static AuditEntry Entry(DateTime at, string actor, string action, string target, string? reason = null) =>
        new() { At = at, Actor = actor, ActorKind = ActorKind.User, Action = action, Target = target, Details = "{}", Reason = reason };

    private async Task AddAsync(params AuditEntry[] entries)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        db.AuditEntries.AddRange(entries);
        await db.SaveChangesAsync(Ct);
    }
}
