using System.Net.Http.Json;
using Microsoft.Playwright;
using Portico.Browser.Tests.StudyList;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Layout;

/// <summary>
/// Every page of the app, and its dialogs, checked with axe-core against WCAG 2.1 A and AA (colour contrast, names
/// and labels, landmarks, ARIA use): a hospital's staff and patients use them with screen readers and the keyboard.
/// </summary>
public sealed class AccessibilityTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task The_staff_pages_pass_the_WCAG_A_and_AA_rules()
    {
        string token = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        string studyUid = await StudyUploads.UploadAsync(Server, "CT_small.dcm", $"Axe{token}^Ada", "PID-AX1", "CT chest");
        using HttpClient admin = Server.Admin();
        HttpResponseMessage identity = await admin.PostAsJsonAsync("/api/dicom-identities", new { name = "Room1_EPIQ7", aeTitle = $"AX{token}" }, TestContext.Current.CancellationToken);
        identity.EnsureSuccessStatusCode();
        string identityId = (await identity.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString()!;

        IPage page = await SignInAsync();
        var failures = new List<string>();
        foreach (string path in new[]
        {
            "/", $"/studies/{studyUid}", "/audit", "/account", "/settings/users", "/settings/security",
            "/settings/devices/dicom", $"/settings/devices/dicom/{identityId}", "/settings/integrations/agents",
            "/settings/upload-portal", "/settings/upload-codes", "/settings/upload-portal/quarantine",
        })
        {
            await page.GotoAsync(path);
            if (path != "/account")
            {
                await WaitForCircuitAsync(page); // the account page is a static form
            }

            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await CheckAsync(page, failures);
        }

        // The dialogs, open (axe checks only what is shown).
        await OpenDialogAsync(page, "/settings/users", "Create user", failures);
        await page.Keyboard.PressAsync("Escape");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Roles" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create role" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await CheckAsync(page, failures);
        await OpenDialogAsync(page, "/settings/devices/dicom", "Create DICOM Identity", failures);
        await OpenDialogAsync(page, $"/settings/devices/dicom/{identityId}", "Delete", failures);
        foreach (string action in new[] { "Change patient identity", "Merge with patient", "Send to PACS", "Delete study" })
        {
            await OpenDialogAsync(page, $"/studies/{studyUid}", action, failures);
        }

        await page.GotoAsync("/");
        await WaitForCircuitAsync(page);
        await page.GetByLabel("Add studies").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Study from Cardiac Stress Test Data…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await CheckAsync(page, failures);

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task The_sign_in_page_and_the_public_Upload_Portal_pass_the_WCAG_A_and_AA_rules()
    {
        IPage page = await NewPageAsync();
        var failures = new List<string>();
        foreach (string path in new[] { "/account/sign-in", "/upload", "/upload/manual" })
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await CheckAsync(page, failures);
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private static async Task OpenDialogAsync(IPage page, string path, string button, List<string> failures)
    {
        await page.GotoAsync(path);
        await WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).Or(page.GetByRole(AriaRole.Alertdialog))).ToBeVisibleAsync();
        await CheckAsync(page, failures);
    }

    /// <summary>Collects the violations of one page, so that one run lists every page's.</summary>
    private static async Task CheckAsync(IPage page, List<string> failures)
    {
        try
        {
            await ExpectAccessibleAsync(page);
        }
        catch (Xunit.Sdk.TrueException e)
        {
            failures.Add(e.Message);
        }
    }
}
