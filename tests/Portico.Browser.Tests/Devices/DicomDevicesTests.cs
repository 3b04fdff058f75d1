using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Devices;

public sealed class DicomDevicesTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private const string DevicesPath = "/settings/devices/dicom";

    [Fact]
    public async Task A_bad_AE_title_is_refused_with_a_message_and_a_good_one_creates_the_identity()
    {
        string ae = NewAETitle("EPIQ");
        IPage page = await SignInAsync(path: DevicesPath);

        await page.GetByRole(AriaRole.Button, new() { Name = "Create DICOM Identity" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create DICOM Identity" });
        await Expect(dialog).ToContainTextAsync("ClinicA_Vivid95");
        await dialog.GetByLabel("Name").FillAsync("Room1_EPIQ7");
        await dialog.GetByLabel("AE Title").FillAsync("ROOM1_EPIQ7_CARDIOLOGY");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("An AE title has at most 16 characters.");
        await dialog.GetByLabel("AE Title").FillAsync("BAD\\AE");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("no backslash");

        await dialog.GetByLabel("AE Title").FillAsync(ae);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await WaitForUrlAsync(page, url => url.Contains("/settings/devices/dicom/", StringComparison.Ordinal));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Room1_EPIQ7", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "DICOM", Exact = true }).First.ClickAsync();
        ILocator row = await RowAsync(page, ae);
        await Expect(row).ToContainTextAsync("Enabled");
        await Expect(row).ToContainTextAsync("C-ECHO, C-STORE");

        // The same AE title twice is refused, with the reason.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create DICOM Identity" }).ClickAsync();
        await dialog.GetByLabel("Name").FillAsync("Another");
        await dialog.GetByLabel("AE Title").FillAsync(ae);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("AE titles are unique");
    }

    [Fact]
    public async Task A_disabled_identity_or_one_without_C_STORE_is_refused_and_once_allowed_storescu_succeeds()
    {
        string ae = NewAETitle("VIVID");
        IPage page = await SignInAsync(path: DevicesPath);
        await CreateAsync(page, "ClinicA_Vivid95", ae);
        string identityUrl = page.Url;

        // Disabled: refused, with the reason on the identity page and in the troubleshooting list.
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Disabled");
        (int exit, string output) = await Dcmtk.StoreAsync(Server.DicomPort, ae);
        Assert.True(exit != 0, output);
        await ReloadUntilAsync(page, "Refused");
        ILocator log = page.GetByRole(AriaRole.Table, new() { Name = "Recent associations" });
        await Expect(log).ToContainTextAsync("Refused");
        await Expect(log).ToContainTextAsync("is disabled");
        await Expect(page.Locator("dl.facts").First).ToContainTextAsync("is disabled");
        await page.GotoAsync(DevicesPath);
        await WaitForCircuitAsync(page);
        ILocator refused = await RowAsync(page, ae, "Recently refused associations");
        await Expect(refused).ToContainTextAsync("is disabled");
        await Expect(refused.GetByRole(AriaRole.Link, new() { Name = "Open ClinicA_Vivid95" })).ToBeVisibleAsync();

        // Enabled without C-STORE: storescu has nothing to send with.
        await page.GotoAsync(identityUrl);
        await WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Enabled");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "C-STORE" }).UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Settings saved.");
        (exit, output) = await Dcmtk.StoreAsync(Server.DicomPort, ae);
        Assert.True(exit != 0, output);
        Assert.Equal(0, await StoredFromAsync(ae));
        await ReloadUntilAsync(page, "not allowed for this identity");
        await Expect(log).ToContainTextAsync("not allowed for this identity");

        // C-STORE allowed: stored, and the usage shows the association.
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "C-STORE" }).CheckAsync();
        await page.GetByLabel("Allowed addresses").FillAsync("127.0.0.1\n10.1.0.0/16");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Settings saved.");
        (exit, output) = await Dcmtk.StoreAsync(Server.DicomPort, ae);
        Assert.True(exit == 0, output);
        await ReloadUntilAsync(page, "C-STORE ×1");
        await Expect(log).ToContainTextAsync("C-STORE ×1");
        await Expect(page.Locator("dl.facts").First).ToContainTextAsync("Instances received");
        Assert.Equal(1, await StoredFromAsync(ae));
        await Expect(page.GetByLabel("Allowed addresses")).ToHaveValueAsync("127.0.0.1\n10.1.0.0/16");
        await ScreenshotAsync(page, "dicom-identity");
    }

    [Fact]
    public async Task An_unknown_caller_is_listed_under_troubleshooting_and_an_identity_is_created_from_its_AE_title()
    {
        string ae = NewAETitle("CT");
        using (HttpClient api = Server.Admin())
        {
            // Two registered devices for the screenshot, through the API (the same service as the page).
            foreach ((string name, string prefix) in new[] { ("Room1_EPIQ7", "EPIQ"), ("ClinicA_Vivid95", "VIVID") })
            {
                HttpResponseMessage created = await api.PostAsJsonAsync("/api/dicom-identities", new { name, aeTitle = NewAETitle(prefix) }, TestContext.Current.CancellationToken);
                Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            }
        }

        (int exit, string output) = await Dcmtk.StoreAsync(Server.DicomPort, ae);
        Assert.True(exit != 0, output);
        IPage page = await SignInAsync(path: DevicesPath);
        await ReloadUntilAsync(page, ae);

        ILocator refused = await RowAsync(page, ae, "Recently refused associations");
        await Expect(refused).ToContainTextAsync("is not registered as a DICOM Identity");
        await Expect(refused).ToContainTextAsync("127.0.0.1");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Troubleshooting" })).ToContainTextAsync("AE title mismatch");
        await Expect(page.GetByText("Download CA certificate")).ToHaveAttributeAsync("href", "/api/dicom/ca.pem");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Connecting a device" })).ToContainTextAsync(Server.BaseAddress + "api/dicomweb");
        await page.SetViewportSizeAsync(1280, 1000);
        await ScreenshotAsync(page, "dicom-devices");
        await refused.GetByRole(AriaRole.Button, new() { Name = "Create identity from this AE title" }).ClickAsync();

        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create DICOM Identity" });
        await Expect(dialog.GetByLabel("AE Title")).ToHaveValueAsync(ae);
        await dialog.GetByLabel("Name").FillAsync("Mobile_CT_Unit");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mobile_CT_Unit", Level = 1 })).ToBeVisibleAsync();

        (exit, output) = await Dcmtk.StoreAsync(Server.DicomPort, ae);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task Test_connection_echoes_a_storescp_and_says_why_when_nothing_listens()
    {
        string ae = NewAETitle("SCP");
        IPage page = await SignInAsync(path: DevicesPath);
        await CreateAsync(page, "Archive", ae);
        (Process storescp, int port, string directory) = await Dcmtk.StartStoreScpAsync(ae);
        try
        {
            await page.GetByLabel("Host", new() { Exact = true }).FillAsync("127.0.0.1");
            await page.GetByLabel("Port", new() { Exact = true }).FillAsync(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Settings saved.");

            await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();

            await Expect(page.Locator(".echo-result")).ToContainTextAsync($"Success: {ae} at 127.0.0.1:{port} answered the C-ECHO");
        }
        finally
        {
            Process.GetProcessById(storescp.Id).Kill();
            await storescp.WaitForExitAsync(TestContext.Current.CancellationToken);
            storescp.Dispose();
            Directory.Delete(directory, recursive: true);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.Locator(".echo-result")).ToContainTextAsync("Failed:");
    }

    [Fact]
    public async Task A_client_certificate_is_offered_once_for_download_and_can_be_revoked_and_the_identity_deleted()
    {
        string ae = NewAETitle("TLS");
        IPage page = await SignInAsync(path: DevicesPath);
        await CreateAsync(page, "Secure device", ae);
        await page.GetByLabel("Allow Anonymous TLS DICOM").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Settings saved.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Issue client certificate" }).ClickAsync();

        await Expect(page.Locator(".issued")).ToContainTextAsync("shown only once");
        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Private key (PEM)" }).ClickAsync());
        string key = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Contains("PRIVATE KEY-----", key, StringComparison.Ordinal);
        Assert.Equal($"{ae}.key.pem", download.SuggestedFilename);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "PKCS#12 (.p12)" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^data:application/x-pkcs12;base64,"));
        await Expect(page.Locator(".pkcs12-password")).Not.ToBeEmptyAsync();
        await Expect(page.Locator("dl.facts").Nth(1)).ToContainTextAsync($"CN={ae}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke certificate" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("revoked");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Issue client certificate" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        ILocator confirm = page.GetByRole(AriaRole.Alertdialog, new() { Name = "Delete DICOM Identity Secure device?" });
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete Secure device" }).ClickAsync();
        await WaitForUrlAsync(page, url => url.EndsWith(DevicesPath, StringComparison.Ordinal));
        await Expect(page.GetByRole(AriaRole.Main)).Not.ToContainTextAsync(ae);
        string[] actions = await Server.WithDbAsync(db => Task.FromResult(db.AuditEntries.Where(a => a.Actor == PorticoServer.AdminEmail && a.Details!.Contains(ae)).Select(a => a.Action).ToArray()));
        Assert.Contains("DicomIdentity.Created", actions);
        Assert.Contains("DicomIdentity.Updated", actions);
        Assert.Contains("DicomIdentity.Deleted", actions);
    }

    private static string NewAETitle(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    private static async Task CreateAsync(IPage page, string name, string ae)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Create DICOM Identity" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create DICOM Identity" });
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByLabel("AE Title").FillAsync(ae);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 })).ToBeVisibleAsync();
    }

    private static async Task<ILocator> RowAsync(IPage page, string text, string table = "DICOM Identities")
    {
        ILocator row = page.GetByRole(AriaRole.Table, new() { Name = table }).GetByRole(AriaRole.Row).Filter(new() { HasText = text });
        await Expect(row).ToHaveCountAsync(1);
        return row;
    }

    /// <summary>Reloads until <paramref name="text"/> shows: the association log is written just after the association ends.</summary>
    private static async Task ReloadUntilAsync(IPage page, string text)
    {
        for (int attempt = 0; attempt < 20 && !(await page.ContentAsync()).Contains(text, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(250);
            await page.ReloadAsync();
            await WaitForCircuitAsync(page);
        }
    }

    private async Task<int> StoredFromAsync(string ae)
    {
        await Task.Delay(500);
        return await Server.WithDbAsync(db => Task.FromResult(db.DicomAssociationLog.Where(e => e.CallingAETitle == ae).Sum(e => e.StoreCount)));
    }
}
