using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.UploadPortal;

/// <summary>
/// The public Upload Portal sending files to the real server (tus): Upload successful, pause and resume, cancel, a
/// dropped connection resuming where it stopped, a CD folder, a drop, and the warning when the tab is closed.
/// </summary>
public sealed class PortalUploadTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private const string UploadsPath = "/api/portal/uploads";

    [Fact]
    public async Task Images_and_a_referral_are_uploaded_validated_and_reported_as_successful()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);
        string studyUid = Portal.NewStudyUid();
        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", studyUid, out string sop1), Portal.Dicom("MR_small.dcm", studyUid, out string sop2), Portal.Pdf("referral.pdf"));
        await page.GetByLabel("Comment for study 1 (optional)").FillAsync("Second opinion, please.");
        await Portal.AcceptAsync(page);

        await Portal.StartButton(page).ClickAsync();

        await ExpectSuccessAsync(page, 60);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "received by St Example Imaging" })).ToBeVisibleAsync();
        Assert.Equal(2, await StoredCountAsync(sop1, sop2));
        await ScreenshotAsync(page, "upload-portal-success");
        await ExpectAccessibleAsync(page);
    }

    [Fact]
    public async Task A_ZIP_is_read_entry_by_entry_and_its_images_are_stored()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);
        string studyUid = Portal.NewStudyUid();
        byte[] zip = Portico.Browser.Tests.Uploads.UploadTests.Zip(
            ("CD/DICOMDIR", Portal.Dicom("MR_small.dcm", studyUid, out _).Buffer),
            ("CD/IMAGES/IM1", Portal.Dicom("CT_small.dcm", studyUid, out string sop1).Buffer),
            ("CD/IMAGES/IM2", Portal.Dicom("MR_small.dcm", studyUid, out string sop2).Buffer));

        await Portal.AddFilesAsync(page, new FilePayload { Name = "cd.zip", MimeType = "application/zip", Buffer = zip });

        ILocator study = page.GetByRole(AriaRole.Article, new() { Name = "Study 1" });
        await Expect(study.Locator("dd").Nth(4)).ToHaveTextAsync("2"); // DICOMDIR left out
        await Expect(page.Locator(".portal-patient")).ToContainTextAsync("Doe, Jane");
        await Portal.AcceptAsync(page);
        await Portal.StartButton(page).ClickAsync();
        await ExpectSuccessAsync(page, 60);
        Assert.Equal(2, await StoredCountAsync(sop1, sop2));
    }

    [Fact]
    public async Task A_CD_folder_of_500_images_and_a_referral_uploads_pauses_resumes_and_succeeds()
    {
        await Portal.ConfigureAsync(Server);
        string cd = Path.Combine(Path.GetTempPath(), "portico-portal-cd500-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(cd, "DICOM"));
        try
        {
            string studyUid = Portal.NewStudyUid();
            var sops = new List<string>();
            for (int i = 0; i < 500; i++)
            {
                await File.WriteAllBytesAsync(Path.Combine(cd, "DICOM", $"IM{i:D5}"), Portal.Dicom("MR_small.dcm", studyUid, out string sop).Buffer, TestContext.Current.CancellationToken);
                sops.Add(sop);
            }

            await File.WriteAllBytesAsync(Path.Combine(cd, "referral.pdf"), Portal.Pdf("referral.pdf").Buffer, TestContext.Current.CancellationToken);
            IPage page = await NewPageAsync();
            await Portal.OpenAsync(Server, page);
            IFileChooser chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Select a folder" }).ClickAsync());
            await chooser.SetFilesAsync(cd);
            ILocator study = page.GetByRole(AriaRole.Article, new() { Name = "Study 1" });
            await Expect(study.Locator("dd").Nth(4)).ToHaveTextAsync("500", new() { Timeout = 60_000 });
            await Expect(study.Locator("dd").Nth(5)).ToHaveTextAsync("1");
            await Portal.AcceptAsync(page);
            await Portal.StartButton(page).ClickAsync();

            ILocator progress = page.Locator(".portal-progress-text");
            await Expect(progress).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"· [1-9]\d* of 501 files sent"), new() { Timeout = 60_000 });
            await page.GetByRole(AriaRole.Button, new() { Name = "PAUSE UPLOAD" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upload paused" })).ToBeVisibleAsync();
            await Task.Delay(1000, TestContext.Current.CancellationToken);
            string paused = await progress.TextContentAsync() ?? "";
            await Task.Delay(1500, TestContext.Current.CancellationToken);
            Assert.Equal(paused, await progress.TextContentAsync());

            await page.GetByRole(AriaRole.Button, new() { Name = "RESUME UPLOAD" }).ClickAsync();
            await ExpectSuccessAsync(page, 240);
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "501 files were received" })).ToBeVisibleAsync();
            Assert.Equal(500, await StoredCountAsync([.. sops]));
        }
        finally
        {
            Directory.Delete(cd, recursive: true);
        }
    }

    [Fact]
    public async Task Pause_stops_sending_and_resume_finishes_the_upload()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);
        var held = new TaskCompletionSource();
        int patches = 0;
        await page.RouteAsync(url => url.Contains(UploadsPath, StringComparison.Ordinal), async route =>
        {
            if (route.Request.Method == "PATCH")
            {
                Interlocked.Increment(ref patches);
                await held.Task;
            }

            await ContinueAsync(route);
        });
        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out string sop1), Portal.Dicom("MR_small.dcm", null, out string sop2));
        await Portal.AcceptAsync(page);
        await Portal.StartButton(page).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uploading" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Do not close this page or your browser while your images are uploading.")).ToBeVisibleAsync();
        await WaitUntilAsync(() => Volatile.Read(ref patches) >= 1);
        await ScreenshotAsync(page, "upload-portal-uploading");
        await ExpectAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "PAUSE UPLOAD" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upload paused" })).ToBeVisibleAsync();
        int whenPaused = Volatile.Read(ref patches);
        held.SetResult(); // the requests cut by the pause may go now; nothing new may start
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.Equal(whenPaused, Volatile.Read(ref patches));
        Assert.Equal(0, await StoredCountAsync(sop1, sop2));

        await page.GetByRole(AriaRole.Button, new() { Name = "RESUME UPLOAD" }).ClickAsync();

        await ExpectSuccessAsync(page, 60);
        Assert.Equal(2, await StoredCountAsync(sop1, sop2));
    }

    [Fact]
    public async Task Cancel_asks_first_then_discards_the_session_and_starts_again_empty()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);
        await page.RouteAsync(url => url.Contains(UploadsPath, StringComparison.Ordinal), async route =>
        {
            if (route.Request.Method == "PATCH")
            {
                await Task.Delay(TimeSpan.FromSeconds(30)); // still in flight when the upload is cancelled
            }

            await ContinueAsync(route);
        });
        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out string sop));
        await Portal.AcceptAsync(page);
        await Portal.StartButton(page).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uploading" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "CANCEL UPLOAD" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Cancel the upload?" });
        await Expect(dialog).ToBeVisibleAsync();
        await ScreenshotAsync(page, "upload-portal-cancel");
        await ExpectAccessibleAsync(page);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep uploading" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "CANCEL UPLOAD" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel the upload" }).ClickAsync();

        await Expect(page.GetByText("The upload was cancelled. The files you sent were deleted from the hospital's server.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uploading" })).ToHaveCountAsync(0);
        await Expect(page.Locator(".portal-study")).ToHaveCountAsync(0);
        Assert.Equal(0, await StoredCountAsync(sop));
    }

    [Fact]
    public async Task A_dropped_connection_resumes_where_the_upload_stopped()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);

        // About 18 MB, so three chunks of 8 MB; chosen from disk (a buffer this size crawls through the protocol), and
        // kept there until the upload is over (the browser reads it as it sends).
        string big = Path.Combine(Path.GetTempPath(), $"portico-portal-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(big, Portal.BigDicom(3000, out string sop).Buffer, TestContext.Current.CancellationToken);
        try
        {
            await UploadThroughADroppedConnectionAsync(page, big, sop);
        }
        finally
        {
            File.Delete(big);
        }
    }

    private async Task UploadThroughADroppedConnectionAsync(IPage page, string big, string sop)
    {
        IFileChooser chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Select images or ZIP file" }).ClickAsync());
        await chooser.SetFilesAsync(big);
        await Expect(page.GetByRole(AriaRole.Article, new() { Name = "Study 1" })).ToBeVisibleAsync();
        await Portal.AcceptAsync(page);

        // The requests are watched, not intercepted (Chromium cannot hand a file-backed body to an interceptor); the
        // upload is slowed to about 4 MB/s so that the connection can go while a chunk is on its way.
        var offsets = new List<long>();
        var secondChunk = new TaskCompletionSource();
        int creations = 0;
        page.Request += (_, request) =>
        {
            if (!request.Url.Contains(UploadsPath, StringComparison.Ordinal))
            {
                return;
            }

            if (request.Method == "POST")
            {
                Interlocked.Increment(ref creations);
            }
            else if (request.Method == "PATCH" && request.Headers.TryGetValue("upload-offset", out string? offset))
            {
                lock (offsets)
                {
                    offsets.Add(long.Parse(offset, System.Globalization.CultureInfo.InvariantCulture));
                    if (offsets.Count == 2)
                    {
                        secondChunk.TrySetResult();
                    }
                }
            }
        };
        ICDPSession cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = 4 * 1024 * 1024,
        });
        await Portal.StartButton(page).ClickAsync();

        await secondChunk.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        await page.Context.SetOfflineAsync(true);
        await Expect(page.GetByText("The internet connection was lost.")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await ScreenshotAsync(page, "upload-portal-offline");
        await ExpectAccessibleAsync(page);
        await page.Context.SetOfflineAsync(false);

        await ExpectSuccessAsync(page, 60);
        Assert.Equal(1, await StoredCountAsync(sop));
        Assert.Equal(1, Volatile.Read(ref creations)); // resumed, never started again
        lock (offsets)
        {
            Assert.True(offsets.Count >= 3, $"PATCH offsets: {string.Join(", ", offsets)}");
            Assert.Equal(0, offsets[0]);
            Assert.True(offsets[2] >= 8 * 1024 * 1024, $"after the drop the upload went on from {offsets[2]}");
        }
    }

    [Fact]
    public async Task A_CD_folder_is_read_with_its_DICOMDIR_skipped_and_other_files_named()
    {
        await Portal.ConfigureAsync(Server);
        string cd = Path.Combine(Path.GetTempPath(), "portico-portal-cd-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(cd, "DICOM"));
        Directory.CreateDirectory(Path.Combine(cd, "VIEWER"));
        try
        {
            string studyUid = Portal.NewStudyUid();
            await File.WriteAllBytesAsync(Path.Combine(cd, "DICOM", "IM000001"), Portal.Dicom("CT_small.dcm", studyUid, out _).Buffer, TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(cd, "DICOM", "IM000002"), Portal.Dicom("MR_small.dcm", studyUid, out _).Buffer, TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(cd, "DICOMDIR"), Portal.Dicom("MR_small.dcm", studyUid, out _).Buffer, TestContext.Current.CancellationToken);
            await File.WriteAllBytesAsync(Path.Combine(cd, "VIEWER", "viewer.exe"), [0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0], TestContext.Current.CancellationToken);
            IPage page = await NewPageAsync(768, 1024);
            await Portal.OpenAsync(Server, page);

            IFileChooser chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Select a folder" }).ClickAsync());
            await chooser.SetFilesAsync(cd);

            ILocator study = page.GetByRole(AriaRole.Article, new() { Name = "Study 1" });
            await Expect(study.Locator("dd").Nth(4)).ToHaveTextAsync("2");
            ILocator notAdded = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "1 file was not added" });
            await Expect(notAdded).ToContainTextAsync("viewer.exe: Only DICOM images");
            await Expect(notAdded).Not.ToContainTextAsync("DICOMDIR");
            await ScreenshotAsync(page, "upload-portal-tablet");
        }
        finally
        {
            Directory.Delete(cd, recursive: true);
        }
    }

    [Fact]
    public async Task Files_dropped_on_the_page_are_added()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync(390, 844);
        await Portal.OpenAsync(Server, page);
        FilePayload dicom = Portal.Dicom("CT_small.dcm", null, out _);
        FilePayload pdf = Portal.Pdf("letter.pdf");
        IJSHandle transfer = await Portico.Browser.Tests.Uploads.UploadTests.DataTransferAsync(page, (dicom.Name, dicom.MimeType, dicom.Buffer), (pdf.Name, pdf.MimeType, pdf.Buffer));

        await page.Locator("[data-portal-drop]").DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await Expect(page.Locator("[data-portal-drop]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("dragging"));
        await page.Locator("[data-portal-drop]").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });

        ILocator study = page.GetByRole(AriaRole.Article, new() { Name = "Study 1" });
        await Expect(study.Locator("dd").Nth(4)).ToHaveTextAsync("1");
        await Expect(study.Locator("dd").Nth(5)).ToHaveTextAsync("1");
        await Portal.AcceptAsync(page);
        await ScreenshotAsync(page, "upload-portal-phone");
        await ExpectAccessibleAsync(page);
    }

    [Fact]
    public async Task Closing_the_tab_during_an_upload_asks_first()
    {
        await Portal.ConfigureAsync(Server);
        // Chromium ends itself after this dialog in headless mode: the test has a browser of its own.
        await using var own = new BrowserSession();
        await own.InitializeAsync();
        IBrowserContext context = await own.Browser.NewContextAsync(new() { BaseURL = Server.BaseAddress.ToString() });
        IPage page = await context.NewPageAsync();
        await Portal.OpenAsync(Server, page);
        var release = new TaskCompletionSource();
        await page.RouteAsync(url => url.Contains(UploadsPath, StringComparison.Ordinal), async route =>
        {
            await release.Task; // the upload stays in flight until the tab has asked
            await route.AbortAsync();
        });
        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out _));
        await Portal.AcceptAsync(page);
        await Portal.StartButton(page).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uploading" })).ToBeVisibleAsync();

        var asked = new TaskCompletionSource<string>();
        page.Dialog += (_, dialog) =>
        {
            asked.TrySetResult(dialog.Type);
            _ = dialog.DismissAsync();
        };
        await page.Mouse.ClickAsync(600, 700); // a user gesture: browsers only ask after one
        await page.CloseAsync(new() { RunBeforeUnload = true });

        Assert.Equal("beforeunload", await asked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        release.SetResult();
    }

    /// <summary>Waits for the outcome and asserts it is "Upload successful" (else fails with what the page says).</summary>
    private static async Task ExpectSuccessAsync(IPage page, int seconds)
    {
        ILocator outcome = page.Locator(".portal-status h2").Filter(new() { HasNotTextRegex = new System.Text.RegularExpressions.Regex("^(Uploading|Upload paused|Validating files)$") });
        await Expect(outcome).ToBeVisibleAsync(new() { Timeout = seconds * 1000 });
        Assert.True(await outcome.TextContentAsync() == "Upload successful", await page.Locator(".portal-status").InnerTextAsync());
    }

    private Task<int> StoredCountAsync(params string[] sopInstanceUids) =>
        Server.WithDbAsync(db => db.Instances.CountAsync(i => sopInstanceUids.Contains(i.SopInstanceUid)));

    /// <summary>Lets a request through unless the page already gave up on it (a pause or cancel aborts it).</summary>
    private static async Task ContinueAsync(IRoute route)
    {
        try
        {
            await route.ContinueAsync();
        }
        catch (PlaywrightException)
        {
            // The browser aborted the request meanwhile.
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
