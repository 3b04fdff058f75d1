using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portico.Browser.Tests.StudyList;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Review;

/// <summary>The reviewer's part of an outside study on the study page: merge with a patient, then mark as reviewed.</summary>
public sealed class MergeDialogTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reviewer_finds_the_patient_compares_gives_a_reason_merges_and_marks_the_study_reviewed()
    {
        string token = StudyUploads.Token();
        string priorUid = await StudyUploads.UploadAsync(Server, "CT_small.dcm", $"Target{token}^Tina", $"H{token}", "CT chest 2023");
        string uploadedUid = await StudyUploads.UploadAsync(Server, "MR_small.dcm", $"Target{token}^Tina", $"PORTAL-{token}", "Outside MR");
        using (HttpClient admin = Server.Admin())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"/api/studies/{uploadedUid}/labels/Uploaded", null, Ct)).StatusCode);
        }

        IPage page = await SignInAsync(path: "/studies/" + uploadedUid);
        await WaitForCircuitAsync(page);
        ILocator patient = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Patient", Exact = true }) });
        await Expect(patient).ToContainTextAsync($"PORTAL-{token}");
        ILocator others = page.Locator("[data-other-studies]");
        await Expect(others).ToContainTextAsync("No other studies of this patient.");

        // Search: the family name is filled in; the study's own patient is listed but cannot be chosen.
        await page.GetByRole(AriaRole.Button, new() { Name = "Merge with patient" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Merge with patient" });
        ILocator search = dialog.GetByLabel("Find the patient: name, birth date (YYYY-MM-DD) or Patient ID");
        await Expect(search).ToHaveValueAsync($"Target{token}");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        ILocator results = dialog.GetByRole(AriaRole.Table, new() { Name = "Patients found" });
        await Expect(results.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(results.Locator("tr", new() { HasText = $"PORTAL-{token}" })).ToContainTextAsync("This study's patient");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Merge", Exact = true })).ToBeDisabledAsync();

        // Choose, compare side by side.
        await results.Locator("tr", new() { HasText = $"H{token}" }).GetByRole(AriaRole.Button).ClickAsync();
        ILocator compare = dialog.GetByRole(AriaRole.Table, new() { Name = "Comparison" });
        ILocator idRow = compare.Locator("tr", new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "Patient ID" }) });
        await Expect(idRow.Locator("td").Nth(0)).ToHaveTextAsync($"PORTAL-{token}");
        await Expect(idRow.Locator("td").Nth(1)).ToHaveTextAsync($"H{token}");
        await Expect(idRow).ToHaveClassAsync("differs");
        await Expect(compare.Locator("tr", new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "Name" }) })).Not.ToHaveClassAsync("differs");
        await Expect(compare.Locator("[data-original-ids]")).ToHaveCountAsync(0);

        // The reason is required.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Merge", Exact = true }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("A reason is required: it goes to the audit log.");
        await dialog.GetByLabel("Reason for the merge (required)").FillAsync("Same patient: referral letter and birth date match");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "merge-with-patient");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Merge", Exact = true }).ClickAsync();

        // The page shows the chosen patient, the success message and the other study as a prior.
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Merged with patient Target{token}, Tina (H{token})");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(patient).ToContainTextAsync($"H{token}");
        await Expect(patient).Not.ToContainTextAsync($"PORTAL-{token}");
        await Expect(others.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", $"/studies/{priorUid}");
        await Expect(others).ToContainTextAsync("CT chest 2023");
        var audit = await Server.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "Study.Merged" && a.Target == uploadedUid)
            .Select(a => new { a.Reason, a.Actor }).SingleAsync(Ct));
        Assert.Equal("Same patient: referral letter and birth date match", audit.Reason);
        Assert.Equal(PorticoServer.AdminEmail, audit.Actor);
        string storedId = await Server.WithDbAsync(db => db.Instances.Where(i => i.Series.Study.StudyInstanceUid == uploadedUid).Select(i => i.SopInstanceUid).SingleAsync(Ct));
        using (HttpClient admin = Server.Admin())
        {
            byte[] file = await admin.GetByteArrayAsync($"/api/instances/{storedId}/file", Ct);
            Assert.Contains($"H{token}", System.Text.Encoding.ASCII.GetString(file), StringComparison.Ordinal);
            Assert.DoesNotContain($"PORTAL-{token}", System.Text.Encoding.ASCII.GetString(file), StringComparison.Ordinal);
        }

        // Mark as reviewed: Uploaded becomes Uploaded-Reviewed, and the button goes.
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark as reviewed" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Marked as reviewed");
        await Expect(page.Locator("li[data-label='Uploaded-Reviewed']")).ToBeVisibleAsync();
        await Expect(page.Locator("li[data-label='Uploaded']")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark as reviewed" })).ToHaveCountAsync(0);
        Assert.True(await Server.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "Study.Reviewed" && a.Target == uploadedUid, Ct)));
    }

    [Fact]
    public async Task A_viewer_sees_neither_merge_nor_review()
    {
        string token = StudyUploads.Token();
        string uploadedUid = await StudyUploads.UploadAsync(Server, "MR_small.dcm", $"Viewer{token}^Vic", $"PORTAL-{token}");
        using (HttpClient admin = Server.Admin())
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"/api/studies/{uploadedUid}/labels/Uploaded", null, Ct)).StatusCode);
        }

        string email = $"viewer-{token.ToLowerInvariant()}@test.local";
        await Server.CreateUserAsync(email, "viewer password 12345", "Viewer");
        IPage page = await SignInAsync(email, "viewer password 12345", "/studies/" + uploadedUid);
        await WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-other-studies]")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Merge with patient" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mark as reviewed" })).ToHaveCountAsync(0);
    }
}
