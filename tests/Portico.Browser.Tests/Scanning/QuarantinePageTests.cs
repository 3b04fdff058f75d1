using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portico.Index.Studies;
using Portico.Web.Features.Scanning;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Scanning;

/// <summary>A server scanning with the real clamd of scripts/test.sh (PORTICO_TEST_CLAMAV), scanning required.</summary>
public sealed class ScanningServer : PorticoServer
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Portico:Scanning:ClamAv"] = Environment.GetEnvironmentVariable("PORTICO_TEST_CLAMAV") is { Length: > 0 } address
            ? address
            : throw new InvalidOperationException("PORTICO_TEST_CLAMAV is not set: run scripts/test.sh, which starts clamd (scripts/start-clamd.sh)."),
        ["Portico:Scanning:Required"] = "true",
    };
}

public sealed class QuarantinePageTests(ScanningServer server, BrowserSession browser) : BrowserTest<ScanningServer>(server, browser)
{
    /// <summary>The EICAR anti-virus test file, assembled here so that this source file is not itself "infected".</summary>
    private static readonly byte[] Eicar = Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    [Fact]
    public async Task An_infected_upload_is_listed_in_the_quarantine_and_deleted_after_confirmation()
    {
        string path = Path.Combine(Server.DataDirectory, "portal-upload.bin");
        Directory.CreateDirectory(Server.DataDirectory);
        await File.WriteAllBytesAsync(path, Eicar, TestContext.Current.CancellationToken);
        UploadScanResult scanned = await Server.Services.GetRequiredService<IUploadScanning>()
            .ScanAsync(path, "Referral letter.pdf", new IngestSource(IngestSourceKind.UploadCode, "c1", "ABCD-EFGH", "192.0.2.7"), TestContext.Current.CancellationToken);
        Assert.Equal(UploadScanStatus.Infected, scanned.Status);

        IPage page = await SignInAsync(path: "/settings/upload-portal");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Malware scanning" })).ToContainTextAsync("Configured");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Malware scanning" })).ToContainTextAsync("files wait while the scanner is down");
        await ScreenshotAsync(page, "upload-portal-scanner");
        await ExpectAccessibleAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Quarantine", Exact = true }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Quarantine", Exact = true })).ToBeVisibleAsync();
        await WaitForCircuitAsync(page);

        ILocator row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Referral letter.pdf" });
        await Expect(row).ToContainTextAsync("Portico.Test.EICAR");
        await Expect(row).ToContainTextAsync("Upload code ABCD-EFGH · 192.0.2.7");
        await Expect(row).ToContainTextAsync("68 bytes");
        await ScreenshotAsync(page, "quarantine");
        await ExpectAccessibleAsync(page);

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete the quarantined file Referral letter.pdf", Exact = false }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Alertdialog, new() { Name = "Delete this quarantined file?" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(row).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete the quarantined file Referral letter.pdf", Exact = false }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete file" }).ClickAsync();
        await Expect(page.GetByText("No files are in quarantine.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Referral letter.pdf was deleted." })).ToBeVisibleAsync();
        Assert.Equal(0, await Server.WithDbAsync(db => db.QuarantinedFiles.CountAsync()));
        Assert.Equal(1, await Server.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "Quarantine.Deleted" && a.Actor == PorticoServer.AdminEmail)));
        Assert.Empty(Directory.GetFiles(Path.Combine(Server.DataDirectory, "quarantine")));
    }
}

/// <summary>The portal settings without a scanner: the state says so, and allowing unscanned uploads shows the warning.</summary>
public sealed class ScannerStatusWithoutScannerTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task Allowing_unscanned_uploads_without_a_scanner_shows_the_warning()
    {
        IPage page = await SignInAsync(path: "/settings/upload-portal");
        ILocator scanning = page.GetByRole(AriaRole.Region, new() { Name = "Malware scanning" });
        await Expect(scanning).ToContainTextAsync("Not configured");
        await WaitForCircuitAsync(page);
        ILocator warning = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Files uploaded through the portal are not scanned for malware." });
        await Expect(warning).ToHaveCountAsync(0);

        await page.GetByLabel("Allow uploads without a malware scan").CheckAsync();

        await Expect(warning).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Portal settings" })).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Quarantine", Exact = true })).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
    }
}
