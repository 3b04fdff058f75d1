using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Auth;

public sealed class SignInTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task Signing_in_opens_the_study_list_and_signing_out_returns_to_the_sign_in_page()
    {
        IPage page = await SignInAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Study List", Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Account menu", new() { Exact = false }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" }).ClickAsync();
        await WaitForUrlAsync(page, "**/account/sign-in");
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_and_the_attempt_is_audited()
    {
        IPage page = await NewPageAsync();
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("E-mail").FillAsync(PorticoServer.AdminEmail);
        await page.GetByLabel("Password").FillAsync("not the password at all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The e-mail or password is not right.");
        int failures = await Server.WithDbAsync(db => Task.FromResult(db.AuditEntries.Count(a => a.Action == "User.SignInFailed")));
        Assert.True(failures >= 1);
    }

    [Fact]
    public async Task A_return_address_on_another_site_is_ignored()
    {
        IPage page = await NewPageAsync();
        await page.GotoAsync("/account/sign-in?returnUrl=//evil.example/x");
        await page.GetByLabel("E-mail").FillAsync(PorticoServer.AdminEmail);
        await page.GetByLabel("Password").FillAsync(PorticoServer.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await WaitForUrlAsync(page, Server.BaseAddress.ToString());
    }
}
