extern alias cli;

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portico.Tests.Shared;
using Xunit;
using static Microsoft.Playwright.Assertions;
using AgentCommand = cli::Portico.Cli.Commands.AgentCommand;

namespace Portico.Browser.Tests.StressTests;

/// <summary>A pair the agent could not import shows in the upload indicator; Retry All Failed makes the agent send it again.</summary>
public sealed class AgentRetryTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sample(string name) => Path.Combine(Repository.Root(), "tests", "TestData", "stress-tests", name);

    private async Task<string> RunAgentAsync(string folder)
    {
        var stdout = new StringWriter();
        int exit = await AgentCommand.RunAsync(["--folder", folder, "--server", Server.BaseAddress.ToString(), "--api-key", PorticoServer.AdminKey, "--once"], stdout, new StringWriter(), Ct);
        Assert.Equal(0, exit);
        return stdout.ToString();
    }

    [Fact]
    public async Task A_failed_agent_pair_is_shown_and_retry_all_failed_makes_the_agent_send_it_again()
    {
        string folder = Directory.CreateTempSubdirectory("portico-agent-").FullName;
        try
        {
            // The agent fails a pair whose XML is broken and reports it.
            await File.WriteAllTextAsync(Path.Combine(folder, "retry1.xml"), "<CardiologyXML><broken", Ct);
            File.Copy(Sample("stress_report_TEST-000101.pdf"), Path.Combine(folder, "retry1.pdf"));
            foreach (string file in Directory.GetFiles(folder))
            {
                File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-1));
            }

            await RunAgentAsync(folder);
            string failed = Directory.GetDirectories(Path.Combine(folder, "failed")).Single();
            Assert.True(File.Exists(Path.Combine(failed, ".reported")));

            // Staff see it in the upload indicator, with the reason, and retry it.
            IPage page = await SignInAsync();
            ILocator toggle = page.Locator("#upload-indicator .upload-toggle");
            await Expect(toggle).ToHaveTextAsync("Uploads: 1 failed");
            await toggle.ClickAsync();
            ILocator item = page.Locator(".upload-item", new() { HasText = "retry1.pdf, retry1.xml" });
            await Expect(item).ToHaveAttributeAsync("data-status", "failed");
            await Expect(item.Locator(".upload-reason")).ToContainTextAsync("retry1");
            await ScreenshotAsync(page, "agent-failure-indicator");
            await ExpectAccessibleAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Retry all failed" }).ClickAsync();
            await Expect(item.Locator(".badge")).ToHaveTextAsync("Waiting for the agent");

            using HttpClient admin = Server.Admin();
            using (JsonDocument list = JsonDocument.Parse(await admin.GetStringAsync("/api/agent-failures", Ct)))
            {
                JsonElement failure = Assert.Single(list.RootElement.EnumerateArray());
                Assert.NotEqual(JsonValueKind.Null, failure.GetProperty("retryRequestedAt").ValueKind);
            }

            using (JsonDocument audit = JsonDocument.Parse(await admin.GetStringAsync("/api/audit?action=AgentFailure.RetryRequested", Ct)))
            {
                Assert.Contains("AgentFailure.RetryRequested", audit.RootElement.GetRawText(), StringComparison.Ordinal);
            }

            // Someone fixed the export in failed/; the agent's next pass takes it back, sends it and it is imported.
            File.Copy(Sample("cardiosoft_bruce_4stage.xml"), Path.Combine(failed, "retry1.xml"), overwrite: true);
            File.SetLastWriteTimeUtc(Path.Combine(failed, "retry1.xml"), DateTime.UtcNow.AddMinutes(-1));
            string output = await RunAgentAsync(folder);

            Assert.Contains("moved back into the watch folder", output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(failed));
            Assert.Single(Directory.GetFiles(Path.Combine(folder, "processed"), "result.log", SearchOption.AllDirectories));
            Assert.Empty(await admin.GetFromJsonAsync<JsonElement[]>("/api/agent-failures", Ct) ?? []);
            await page.ReloadAsync();
            await Expect(page.Locator("#upload-indicator .upload-toggle")).ToHaveCountAsync(0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
