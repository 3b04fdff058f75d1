using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portico.Browser.Tests.StudyList;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Tests.Shared;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.UploadPortal;

/// <summary>
/// Issue 7's acceptance story in one go: a patient uploads a CD's folder of 500 images plus a PDF referral, pauses,
/// resumes and sees Upload successful; a reviewer finds the study under the Uploaded label, merges it with the right
/// patient and sends it to another PACS (DCMTK's storescp), which receives it with the hospital's Patient ID.
/// </summary>
public sealed class PortalStoryTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private const int Images = 500;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cd_of_500_images_is_uploaded_reviewed_merged_and_sent_to_another_pacs()
    {
        await Portal.ConfigureAsync(Server);
        string token = StudyUploads.Token();
        string priorUid = await StudyUploads.UploadAsync(Server, "CT_small.dcm", $"Story{token}^Pat", $"H{token}", "CT chest last year");
        string cd = Path.Combine(Path.GetTempPath(), "portico-story-cd-" + token);
        string studyUid = Portal.NewStudyUid();
        Directory.CreateDirectory(Path.Combine(cd, "DICOM"));
        (Process? storescp, string received) = (null, Directory.CreateTempSubdirectory("portico-story-pacs-").FullName);
        try
        {
            for (int i = 1; i <= Images; i++)
            {
                byte[] image = Portal.Dicom("MR_small.dcm", studyUid, out _, $"Story{token}^Pat", ds => ds.AddOrUpdate(DicomTags.PatientID, Portico.Dicom.Values.DicomVR.LO, $"OUT-{token}")).Buffer;
                await File.WriteAllBytesAsync(Path.Combine(cd, "DICOM", $"IM{i:000000}"), image, Ct);
            }

            await File.WriteAllBytesAsync(Path.Combine(cd, "DICOMDIR"), Portal.Dicom("MR_small.dcm", studyUid, out _).Buffer, Ct);
            await PatientUploadsAsync(cd);
            await ReviewerMergesAndSendsAsync(token, studyUid, priorUid, received, p => storescp = p);
        }
        finally
        {
            if (storescp is { HasExited: false })
            {
                storescp.Kill();
                await storescp.WaitForExitAsync(Ct);
            }

            storescp?.Dispose();
            Directory.Delete(cd, recursive: true);
            Directory.Delete(received, recursive: true);
        }
    }

    private async Task PatientUploadsAsync(string cd)
    {
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);
        IFileChooser folder = await page.RunAndWaitForFileChooserAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Select a folder" }).ClickAsync());
        await folder.SetFilesAsync(cd);
        ILocator study = page.GetByRole(AriaRole.Article, new() { Name = "Study 1" });
        await Expect(study.Locator("dd").Nth(4)).ToHaveTextAsync(Images.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
        await Portal.AddFilesAsync(page, Portal.Pdf("referral.pdf"));
        await Expect(study.Locator("dd").Nth(5)).ToHaveTextAsync("1");
        await page.GetByLabel("Comment for study 1 (optional)").FillAsync("Referral for a second opinion.");
        await Portal.AcceptAsync(page);

        int sent = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/portal/uploads", StringComparison.Ordinal) && request.Method is "POST" or "PATCH")
            {
                Interlocked.Increment(ref sent);
            }
        };
        await Portal.StartButton(page).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Uploading" })).ToBeVisibleAsync();
        await WaitUntilAsync(() => Volatile.Read(ref sent) >= 20);

        // Pause: nothing more is sent; resume: the rest goes and the server validates and stores it all.
        await page.GetByRole(AriaRole.Button, new() { Name = "PAUSE UPLOAD" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upload paused" })).ToBeVisibleAsync();
        await Task.Delay(1000, Ct); // requests already on the wire finish
        int paused = Volatile.Read(ref sent);
        await Task.Delay(2000, Ct);
        Assert.Equal(paused, Volatile.Read(ref sent));
        Assert.True(paused < Images, $"{paused} requests before the pause: the upload was over before it could be paused");

        await page.GetByRole(AriaRole.Button, new() { Name = "RESUME UPLOAD" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upload successful" })).ToBeVisibleAsync(new() { Timeout = 300_000 });
        await ScreenshotAsync(page, "upload-portal-story-success");
    }

    private async Task ReviewerMergesAndSendsAsync(string token, string studyUid, string priorUid, string received, Action<Process> started)
    {
        // Stored under new IDs: the outside Patient ID finds nothing.
        Assert.Equal(Images, await Server.WithDbAsync(db => db.Instances.CountAsync(i => i.Series.Study.StudyInstanceUid == studyUid, Ct)));
        Assert.False(await Server.WithDbAsync(db => db.Studies.AnyAsync(s => s.Patient.PatientId == $"OUT-{token}", Ct)));

        // The reviewer finds it under Contains label: Uploaded.
        IPage page = await SignInAsync();
        await WaitForCircuitAsync(page);
        await page.GetByLabel("Contains label").SelectOptionAsync("Uploaded");
        ILocator row = page.Locator($"tr[data-study-uid='{studyUid}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-study-uid='{priorUid}']")).ToHaveCountAsync(0);
        await page.GotoAsync("/studies/" + studyUid);
        await WaitForCircuitAsync(page);
        ILocator box = page.Locator("[data-uploaded-study]");
        await Expect(box).ToContainTextAsync("Referral for a second opinion.");
        await Expect(box.GetByRole(AriaRole.Link, new() { Name = "referral.pdf" })).ToBeVisibleAsync();
        await Expect(box.Locator("[data-original-patient-id]")).ToHaveTextAsync($"OUT-{token}");

        // Merge with the hospital's patient.
        await page.GetByRole(AriaRole.Button, new() { Name = "Merge with patient" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Merge with patient" });
        await dialog.GetByLabel("Find the patient: name, birth date (YYYY-MM-DD) or Patient ID").FillAsync($"H{token}");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        ILocator results = dialog.GetByRole(AriaRole.Table, new() { Name = "Patients found" });
        await results.Locator("tr", new() { HasText = $"H{token}" }).GetByRole(AriaRole.Button).ClickAsync();
        await Expect(dialog.Locator("[data-original-ids]")).ToContainTextAsync($"OUT-{token}");
        await dialog.GetByLabel("Reason for the merge (required)").FillAsync("Outside CD of our patient: name and birth date match the referral");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Merge", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"(H{token})", new() { Timeout = 120_000 });
        await Expect(page.Locator("[data-other-studies]").GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"/studies/{priorUid}");
        Assert.True(await Server.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "Study.Merged" && a.Target == studyUid, Ct)));

        // Send to PACS: storescp receives every image with the hospital's identity.
        int port = FreePort();
        var start = new ProcessStartInfo("storescp", ["-aet", "PACS" + token[..5], "-od", received, port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["TCP_NODELAY"] = "1";
        LoopbackOnly.Apply(start);
        started(Process.Start(start)!);
        using (HttpClient admin = Server.Admin())
        {
            HttpResponseMessage created = await admin.PostAsJsonAsync("/api/dicom-identities", new { name = "Archive " + token, aeTitle = "PACS" + token[..5], host = "127.0.0.1", port }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await page.ReloadAsync();
        await WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send to PACS" }).ClickAsync();
        ILocator send = page.GetByRole(AriaRole.Dialog, new() { Name = "Send to PACS" });
        await send.GetByLabel("Destination").SelectOptionAsync(new SelectOptionValue { Label = $"Archive {token} (PACS{token[..5]} at 127.0.0.1:{port})" });
        await send.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(send.Locator("[data-transfer-state=Completed]")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Expect(send).ToContainTextAsync($"{Images} of {Images} sent");
        string[] files = Directory.GetFiles(received);
        Assert.Equal(Images, files.Length);
        DicomFile first = DicomFile.Open(files[0]);
        Assert.Equal($"H{token}", first.Dataset.GetString(DicomTags.PatientID));
        Assert.Equal(studyUid, first.Dataset.GetString(DicomTags.StudyInstanceUID));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "timed out waiting for the upload to start");
            await Task.Delay(50, Ct);
        }
    }
}
