using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Portico.Web.Tests;

public sealed class HostTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_LiveAndReady_AreHealthy()
    {
        using HttpClient client = factory.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/health/live", Ct));
        for (int i = 0; i < 50; i++)
        {
            HttpResponseMessage ready = await client.GetAsync("/health/ready", Ct);
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("/health/ready never became healthy");
    }

    [Fact]
    public async Task OpenApi_DocumentsTheEndpoints()
    {
        using HttpClient client = factory.CreateClient();
        using JsonDocument doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct));

        JsonElement paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/instances", out _));
        Assert.True(paths.TryGetProperty("/api/studies", out _));
    }

    [Fact]
    public async Task SignIn_BootstrapAdministrator_GetsACookieWithEveryPermission()
    {
        using HttpClient client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        HttpResponseMessage bad = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = "admin@test.local", password = "wrong password!!" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);

        HttpResponseMessage ok = await client.PostAsJsonAsync("/api/auth/sign-in", new { email = "admin@test.local", password = "correct horse battery staple" }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);

        using JsonDocument me = JsonDocument.Parse(await client.GetStringAsync("/api/auth/me", Ct));
        Assert.Equal(Portico.Index.Access.Permissions.All.Order(), me.RootElement.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/studies", Ct)).StatusCode);
    }
}
