using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.StressTests;

/// <summary>Settings > Integrations > Agents: an agent key is created, shown once, listed, and uploads only.</summary>
public sealed class AgentsPageTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task An_agent_key_is_shown_once_listed_and_may_upload_only()
    {
        IPage page = await SignInAsync(path: "/settings/integrations/agents");
        await page.GetByLabel("Name").FillAsync("Stress lab PC 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();

        ILocator key = page.Locator("[data-agent-key]");
        await Expect(key).ToBeVisibleAsync();
        string secret = (await key.TextContentAsync())!.Trim();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Stress lab PC 1", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Never" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "agents-page");
        await ExpectAccessibleAsync(page);

        using var client = new HttpClient { BaseAddress = Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using HttpResponseMessage view = await client.GetAsync("/api/studies/1.2.3/stress-test", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, view.StatusCode); // known key, but no Studies.View
        using HttpResponseMessage upload = await client.PostAsync("/api/stress-tests", new MultipartFormDataContent { { new ByteArrayContent("<x/>"u8.ToArray()), "xml", "x.xml" } }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, upload.StatusCode); // accepted as an upload, refused for its contents

        await page.ReloadAsync();
        await Expect(page.Locator("[data-agent-key]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_revoked_agent_key_is_refused_and_the_revocation_audited()
    {
        IPage page = await SignInAsync(path: "/settings/integrations/agents");
        await WaitForCircuitAsync(page);
        await page.GetByLabel("Name").FillAsync("Old stress PC");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        string secret = (await page.Locator("[data-agent-key]").TextContentAsync())!.Trim();

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the key of Old stress PC" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Revoke the key of Old stress PC?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Old stress PC", Exact = true })).ToHaveCountAsync(0);

        using var client = new HttpClient { BaseAddress = Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using HttpResponseMessage refused = await client.GetAsync("/api/agent-failures/retries", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using HttpClient admin = Server.Admin();
        string audit = await admin.GetStringAsync("/api/audit?action=ApiKey.Revoked", TestContext.Current.CancellationToken);
        Assert.Contains("Old stress PC", audit, StringComparison.Ordinal);
    }
}
