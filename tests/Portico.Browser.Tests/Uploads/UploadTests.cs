using System.IO.Compression;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portico.Tests.Shared;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Uploads;

/// <summary>Manual upload from the Study List: the + menu, drag and drop, Already uploaded, retry after a failure, navigation.</summary>
public sealed class UploadTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task Files_chosen_from_the_add_menu_are_stored_and_the_indicator_lists_each_one()
    {
        IPage page = await SignInAsync();
        FilePayload[] files = [Dicom("CT_small.dcm", out string sop1), Dicom("MR_small.dcm", out string sop2)];

        await ChooseFilesAsync(page, "Upload DICOMs…", files);

        ILocator panel = page.GetByRole(AriaRole.Region, new() { Name = "Uploads" });
        await Expect(panel.Locator(".upload-item[data-status=stored]")).ToHaveCountAsync(2);
        await Expect(page.Locator(".upload-toggle")).ToHaveTextAsync("Uploads finished (2)");
        Assert.Equal(2, await StoredCountAsync(sop1, sop2));
        await ScreenshotAsync(page, "upload-panel");
        await ExpectAccessibleAsync(page);
    }

    [Fact]
    public async Task A_zip_dropped_on_the_study_list_shows_the_drop_message_and_is_stored()
    {
        IPage page = await SignInAsync();
        byte[] zip = Zip(("study/one.dcm", DicomSamples.WithNewUids("CT_small.dcm", out _, out string sop1)), ("study/two.dcm", DicomSamples.WithNewUids("MR_small.dcm", out _, out string sop2)));

        IJSHandle transfer = await DataTransferAsync(page, ("study.zip", "application/zip", zip));
        await page.Locator("[data-upload-drop]").DispatchEventAsync("dragenter", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await Expect(page.GetByText("Drop DICOM files to upload")).ToBeVisibleAsync();
        await page.Locator("[data-upload-drop]").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });

        await Expect(page.GetByText("Drop DICOM files to upload")).ToBeHiddenAsync();
        ILocator item = page.Locator(".upload-item", new() { HasText = "study.zip" });
        await Expect(item).ToHaveAttributeAsync("data-status", "stored");
        await Expect(item.Locator(".upload-reason")).ToHaveTextAsync("2 stored");
        Assert.Equal(2, await StoredCountAsync(sop1, sop2));
    }

    [Fact]
    public async Task Files_stored_already_show_Already_uploaded_and_are_not_sent_again()
    {
        FilePayload file = Dicom("CT_small.dcm", out string sop);
        IPage page = await SignInAsync();
        await ChooseFilesAsync(page, "Upload DICOMs…", [file]);
        await Expect(page.Locator(".upload-item[data-status=stored]")).ToHaveCountAsync(1);

        var uploadRequests = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/uploads", StringComparison.Ordinal))
            {
                uploadRequests.Add(request.Method + " " + request.Url);
            }
        };
        await ChooseFilesAsync(page, "Upload DICOMs…", [file]);

        ILocator again = page.Locator(".upload-item[data-status=already]");
        await Expect(again).ToHaveCountAsync(1);
        await Expect(again.Locator(".badge")).ToHaveTextAsync("Already uploaded");
        Assert.Empty(uploadRequests);
        Assert.Equal(1, await StoredCountAsync(sop));
    }

    [Fact]
    public async Task An_upload_that_fails_part_way_is_retried_to_success()
    {
        IPage page = await SignInAsync();
        // The server "goes away" after the upload was created: every byte sent is refused at the connection.
        await page.RouteAsync("**/api/uploads/*", route => route.Request.Method == "PATCH" ? route.AbortAsync("connectionreset") : route.ContinueAsync());
        await ChooseFilesAsync(page, "Upload DICOMs…", [Dicom("CT_small.dcm", out string sop)]);

        ILocator item = page.Locator(".upload-item");
        await Expect(item).ToHaveAttributeAsync("data-status", "failed", new() { Timeout = 30_000 });
        await Expect(page.Locator(".upload-toggle")).ToHaveTextAsync("Uploads: 1 failed");
        await page.UnrouteAllAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry all failed" }).ClickAsync();

        await Expect(item).ToHaveAttributeAsync("data-status", "stored");
        Assert.Equal(1, await StoredCountAsync(sop));
    }

    [Fact]
    public async Task Moving_around_the_app_does_not_interrupt_an_upload()
    {
        IPage page = await SignInAsync();
        // Hold the bytes back until the user has moved to another page.
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/api/uploads/*", async route =>
        {
            if (route.Request.Method == "PATCH")
            {
                await release.Task;
            }

            await route.ContinueAsync();
        });
        await ChooseFilesAsync(page, "Upload DICOMs…", [Dicom("MR_small.dcm", out string sop)]);
        await Expect(page.Locator(".upload-toggle")).ToContainTextAsync("Uploading…");

        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await WaitForUrlAsync(page, "**/settings/**");
        release.SetResult();

        await Expect(page.Locator(".upload-item")).ToHaveAttributeAsync("data-status", "stored");
        Assert.Equal(1, await StoredCountAsync(sop));
    }

    [Fact]
    public async Task Closing_the_tab_during_an_upload_asks_first()
    {
        // Chromium ends itself after this dialog in headless mode: the test has a browser of its own.
        await using var own = new BrowserSession();
        await own.InitializeAsync();
        IBrowserContext context = await own.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
        IPage page = await context.NewPageAsync();
        await SignInOnAsync(page);
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/api/uploads/*", async route =>
        {
            await release.Task; // the upload stays in flight until the tab has asked
            await route.AbortAsync();
        });
        await ChooseFilesAsync(page, "Upload DICOMs…", [Dicom("CT_small.dcm", out _)]);
        await Expect(page.Locator(".upload-toggle")).ToContainTextAsync("Uploading…");

        var asked = new TaskCompletionSource<string>();
        page.Dialog += (_, dialog) =>
        {
            asked.TrySetResult(dialog.Type);
            _ = dialog.DismissAsync(); // stay on the page
        };
        await page.Mouse.ClickAsync(600, 400); // a user gesture: browsers only ask after one
        await page.CloseAsync(new() { RunBeforeUnload = true });

        Assert.Equal("beforeunload", await asked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        release.SetResult();
    }

    internal static FilePayload Dicom(string sample, out string sopInstanceUid) =>
        new() { Name = Path.GetFileNameWithoutExtension(sample) + "-" + Guid.NewGuid().ToString("N")[..6] + ".dcm", MimeType = "application/dicom", Buffer = DicomSamples.WithNewUids(sample, out _, out sopInstanceUid) };

    internal static async Task ChooseFilesAsync(IPage page, string menuItem, IEnumerable<FilePayload> files)
    {
        await page.GetByLabel("Add studies").ClickAsync();
        IFileChooser chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByRole(AriaRole.Menuitem, new() { Name = menuItem }).ClickAsync());
        await chooser.SetFilesAsync(files);
    }

    internal static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] content) in entries)
            {
                using Stream entry = zip.CreateEntry(name).Open();
                entry.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A DataTransfer holding files, as the browser builds one when files are dragged in from the desktop.</summary>
    internal static Task<IJSHandle> DataTransferAsync(IPage page, params (string Name, string Type, byte[] Content)[] files) =>
        page.EvaluateHandleAsync(
            """
            files => {
                const transfer = new DataTransfer();
                for (const f of files) {
                    const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
                    transfer.items.add(new File([bytes], f.name, { type: f.type }));
                }
                return transfer;
            }
            """,
            files.Select(f => new { name = f.Name, type = f.Type, data = Convert.ToBase64String(f.Content) }).ToArray());

    private Task<int> StoredCountAsync(params string[] sopInstanceUids) =>
        Server.WithDbAsync(db => db.Instances.CountAsync(i => sopInstanceUids.Contains(i.SopInstanceUid)));
}
