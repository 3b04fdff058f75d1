using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Users;

/// <summary>A server whose browser timer uses 4 seconds instead of the configured minutes (a test-only setting).</summary>
public sealed class ShortInactivityServer : PorticoServer
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        [Portico.Web.Features.Users.SecuritySettingsStore.BrowserOverrideKey] = "4",
    };
}

public sealed class InactivityTests(ShortInactivityServer server, BrowserSession browser) : BrowserTest<ShortInactivityServer>(server, browser)
{
    [Fact]
    public async Task Without_activity_the_user_is_signed_out_and_told_why()
    {
        IPage page = await SignInAsync();

        await WaitForUrlAsync(page, "**/account/sign-in?reason=inactive", timeout: 20_000);
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You were signed out after a period of inactivity.");
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync("/account/sign-in?reason=inactive");
        await ScreenshotAsync(page, "sign-in");
        Assert.True(await Server.WithDbAsync(db => Task.FromResult(db.AuditEntries.Any(a => a.Action == "User.SignedOut" && a.Details == "after inactivity"))));
    }

    [Fact]
    public async Task Activity_keeps_the_user_signed_in()
    {
        IPage page = await SignInAsync();
        for (int second = 0; second < 8; second++)
        {
            await page.Mouse.MoveAsync(100 + (second * 10), 300);
            await page.WaitForTimeoutAsync(1000);
        }

        Assert.DoesNotContain("/account/sign-in", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Study List", Level = 1 })).ToBeVisibleAsync();
    }
}
