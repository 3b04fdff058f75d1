using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.UploadPortal;

public sealed partial class UploadCodesPageTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task Portal_settings_are_saved_and_a_code_is_shown_once_in_a_printable_letter_then_revoked()
    {
        IPage page = await SignInAsync(path: "/settings/upload-portal");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "No malware scanner is configured" })).ToBeVisibleAsync();
        await page.GetByLabel("Institution name").FillAsync("St Example Imaging");
        await page.GetByLabel("Phone").FillAsync("+1 555 0100");
        await page.GetByLabel("Size limit per upload session (GB)").FillAsync("12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByText("The size limit per upload session is between 0 and 10 GB.")).ToBeVisibleAsync();
        await page.GetByLabel("Size limit per upload session (GB)").FillAsync("4");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Upload codes" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create upload code" }).ClickAsync();
        await page.GetByLabel("For (patient or referrer, optional)").FillAsync("Referral from Dr Example");
        await page.GetByLabel("Uploads allowed").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create code", Exact = true }).ClickAsync();

        ILocator code = page.Locator("[data-upload-code]");
        await Expect(code).ToHaveTextAsync(CodeFormat());
        await Expect(page.Locator(".print-letter")).ToContainTextAsync("St Example Imaging");
        await Expect(page.Locator(".print-letter")).ToContainTextAsync("can be used once");
        await ScreenshotAsync(page, "upload-code-letter");
        await ExpectAccessibleAsync(page);
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Active" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the code for Referral from Dr Example", Exact = false }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Revoked" })).ToBeVisibleAsync();
        Assert.Equal(1, await Server.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadCode.Revoked")));
        Assert.Equal(1, await Server.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadPortal.SettingsChanged")));
    }

    [GeneratedRegex("^[ACDEFGHJKMNPQRTWXY34679]{5}-[ACDEFGHJKMNPQRTWXY34679]{5}-[ACDEFGHJKMNPQRTWXY34679]{5}$")]
    private static partial Regex CodeFormat();
}
