using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Audit;

public sealed class AuditLogTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task Changes_made_on_the_DICOM_pages_are_listed_newest_first_and_filter_by_action()
    {
        string ae = "AUDIT_" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        IPage page = await SignInAsync(path: "/settings/devices/dicom");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create DICOM Identity" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create DICOM Identity" });
        await dialog.GetByLabel("Name").FillAsync("Room1_EPIQ7");
        await dialog.GetByLabel("AE Title").FillAsync(ae);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Room1_EPIQ7", Level = 1 })).ToBeVisibleAsync();
        string target = "dicom-identity/" + page.Url.Split('/')[^1];
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Disabled");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
        ILocator rows = page.GetByRole(AriaRole.Table, new() { Name = "Audit log" }).Locator("tbody tr");
        await Expect(rows.Nth(0)).ToContainTextAsync("DicomIdentity.Disabled");
        await Expect(rows.Nth(0)).ToContainTextAsync(PorticoServer.AdminEmail);
        await Expect(rows.Nth(0)).ToContainTextAsync(target);
        await Expect(rows.Nth(1)).ToContainTextAsync("DicomIdentity.Created");
        await Expect(rows.Nth(1)).ToContainTextAsync(ae);
        await ScreenshotAsync(page, "audit-log");

        await page.GetByLabel("Action").SelectOptionAsync("DicomIdentity.Created");
        await page.GetByLabel("Target").FillAsync(target);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("DicomIdentity.Created");

        await page.GetByLabel("Action").SelectOptionAsync("");
        await page.GetByLabel("User").FillAsync("nobody-at-all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByText("No audited action matches")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_user_without_Audit_View_is_not_shown_the_log()
    {
        await Server.CreateUserAsync("viewer-audit@test.local", PorticoServer.AdminPassword, "Viewer");

        IPage page = await SignInAsync("viewer-audit@test.local", PorticoServer.AdminPassword, "/audit");

        // Refused at the door: the Study List instead, no Audit log link in the top bar, no log.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Study List", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Audit log" })).ToHaveCountAsync(0);
    }
}
