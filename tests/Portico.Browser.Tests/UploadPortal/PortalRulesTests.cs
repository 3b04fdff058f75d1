using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.UploadPortal;

/// <summary>
/// The public Upload Portal before anything is sent: the code, the two panels, and every rule of DESIGN.md's portal list,
/// whose message must appear the moment the rule is broken.
/// </summary>
public sealed class PortalRulesTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task The_code_is_grouped_as_printed_a_wrong_one_is_refused_and_START_UPLOAD_waits_for_consent()
    {
        await Portal.ConfigureAsync(Server);
        string code = await Portal.NewCodeAsync(Server);
        IPage page = await NewPageAsync();
        await page.GotoAsync("/upload");
        ILocator input = page.GetByLabel("Upload code");

        await input.PressSequentiallyAsync("abcde fghij");
        await Expect(input).ToHaveValueAsync("ABCDE-FGHIJ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The upload code has 15 letters and digits; you entered 10.");

        await input.FillAsync("ACDEF-GHJKM-NPQRT");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This upload code is not valid.");
        await ScreenshotAsync(page, "upload-portal-code");
        await ExpectAccessibleAsync(page);

        // Pasted in lower case without dashes: grouped as printed, and accepted.
        await input.FillAsync(code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
        await Expect(input).ToHaveValueAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Portal.Institution })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "+44 20 7946 0000" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "imaging@example.org" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Upload manual" })).ToHaveAttributeAsync("href", "/upload/manual");
        await Expect(page.GetByText("Available once you have added images in step 1.")).ToBeVisibleAsync();

        // A reload keeps the session.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Select images you wish to upload" })).ToBeVisibleAsync();

        string studyUid = Portal.NewStudyUid();
        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", studyUid, out _), Portal.Dicom("MR_small.dcm", studyUid, out _), Portal.Pdf("referral.pdf"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verify patient and study information and upload images" })).ToBeVisibleAsync();
        ILocator patient = page.Locator(".portal-patient");
        await Expect(patient).ToContainTextAsync("Doe, Jane");
        await Expect(patient).ToContainTextAsync("31 Jan 1970");
        await Expect(patient).ToContainTextAsync("EXT-4711");
        ILocator study = page.GetByRole(AriaRole.Article, new() { Name = "Study 1" });
        await Expect(study).ToContainTextAsync("Echo at Example Clinic");
        await Expect(study.Locator("dd").Nth(4)).ToHaveTextAsync("2"); // DICOM files
        await Expect(study.Locator("dd").Nth(5)).ToHaveTextAsync("1"); // the PDF joined the one study by itself

        ILocator start = Portal.StartButton(page);
        await Expect(start).ToBeDisabledAsync();
        await page.GetByLabel("I have read and accept the privacy policy").CheckAsync();
        await Expect(start).ToBeDisabledAsync();
        await page.GetByLabel("I consent to sending these images to St Example Imaging.").CheckAsync();
        await Expect(start).ToBeEnabledAsync();

        // Contact details are optional, but checked when given.
        await page.GetByLabel("Personal e-mail").FillAsync("jane.doe@");
        await page.GetByLabel("Mobile number").FocusAsync();
        await Expect(Portal.Rule(page, "Please enter a valid e-mail address, such as name@example.com, or leave it empty")).ToBeVisibleAsync();
        await Expect(start).ToBeDisabledAsync();
        await page.GetByLabel("Personal e-mail").FillAsync("jane.doe@example.com");
        await Expect(Portal.Rule(page, "Please enter a valid e-mail address")).ToHaveCountAsync(0);
        await page.GetByLabel("Mobile number").FillAsync("call me");
        await page.GetByLabel("Comment for study 1 (optional)").FocusAsync();
        await Expect(Portal.Rule(page, "Please enter a valid mobile number (digits, optionally starting with +), or leave it empty")).ToBeVisibleAsync();
        await page.GetByLabel("Mobile number").FillAsync("+44 7700 900123");
        await Expect(start).ToBeEnabledAsync();
        await page.GetByLabel("Comment for study 1 (optional)").FillAsync("Please compare with last year's echo.");
        await ScreenshotAsync(page, "upload-portal-verify");
        await ExpectAccessibleAsync(page);
    }

    [Fact]
    public async Task Non_DICOM_files_alone_are_refused_until_a_DICOM_file_is_added_then_join_its_study()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);

        await Portal.AddFilesAsync(page, Portal.Pdf("report.pdf"));
        ILocator rule = Portal.Rule(page, "You can only upload non-DICOM files if you also upload at least one DICOM file");
        await Expect(rule).ToBeVisibleAsync();
        await Expect(Portal.StartButton(page)).ToBeDisabledAsync();

        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out _));
        await Expect(rule).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Article, new() { Name = "Study 1" }).Locator(".portal-files")).ToContainTextAsync("report.pdf");
    }

    [Fact]
    public async Task Files_of_other_kinds_are_not_added_and_say_why()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);

        await Portal.AddFilesAsync(page,
            Portal.Dicom("CT_small.dcm", null, out _),
            new FilePayload { Name = "letter.docx", MimeType = "application/octet-stream", Buffer = [0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0] },
            new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });

        ILocator notAdded = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "2 files were not added" });
        await Expect(notAdded).ToContainTextAsync("letter.docx: Only DICOM images, ZIP files, PDF documents and JPEG or PNG pictures can be uploaded.");
        await Expect(notAdded).ToContainTextAsync("notes.txt: Only DICOM images, ZIP files, PDF documents and JPEG or PNG pictures can be uploaded.");
        await Expect(page.GetByRole(AriaRole.Article, new() { Name = "Study 1" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Total_size_over_the_limit_is_shown_when_the_file_that_passes_it_is_added()
    {
        await Portal.ConfigureAsync(Server, maxSessionBytes: 60_000);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);

        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out _)); // about 39 KB
        ILocator rule = Portal.Rule(page, "Total file size exceeds the limit");
        await Expect(page.GetByRole(AriaRole.Article, new() { Name = "Study 1" })).ToBeVisibleAsync();
        await Expect(rule).ToHaveCountAsync(0);

        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out _)); // about 78 KB in all
        await Expect(rule).ToBeVisibleAsync();
        await Portal.AcceptAsync(page);
        await Expect(Portal.StartButton(page)).ToBeDisabledAsync();
        await rule.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "upload-portal-rule-size");
        await ExpectAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove study 2" }).ClickAsync();
        await Expect(rule).ToHaveCountAsync(0);
        await Expect(Portal.StartButton(page)).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Non_DICOM_files_must_be_added_to_one_of_several_studies()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);

        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out _), Portal.Dicom("MR_small.dcm", null, out _));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studies (2)" })).ToBeVisibleAsync();
        await Portal.AddFilesAsync(page, Portal.Pdf("referral.pdf"), Portal.Png("photo.png"));

        ILocator rule = Portal.Rule(page, "Please add the following files to a study or remove them");
        await Expect(rule).ToBeVisibleAsync();
        await Expect(rule.Locator("li")).ToHaveTextAsync(["referral.pdf", "photo.png"]);
        await Portal.AcceptAsync(page);
        await Expect(Portal.StartButton(page)).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add 0 selected files to study" })).ToBeDisabledAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "referral.pdf" }).CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "photo.png" }).CheckAsync();
        await page.GetByLabel("Study", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await ScreenshotAsync(page, "upload-portal-rule-unlinked");
        await ExpectAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add 2 selected files to study" }).ClickAsync();

        await Expect(rule).ToHaveCountAsync(0);
        ILocator second = page.GetByRole(AriaRole.Article, new() { Name = "Study 2" });
        await Expect(second.Locator(".portal-files li")).ToHaveCountAsync(2);
        await Expect(Portal.StartButton(page)).ToBeEnabledAsync();
    }

    [Fact]
    public async Task More_than_ten_non_DICOM_files_for_a_study_are_refused_with_the_count()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);
        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out _));
        await Portal.AddFilesAsync(page, [.. Enumerable.Range(1, 8).Select(i => Portal.Pdf($"page-{i}.pdf"))]);
        await Expect(page.GetByRole(AriaRole.Article, new() { Name = "Study 1" }).Locator(".portal-files li")).ToHaveCountAsync(8);

        await Portal.AddFilesAsync(page, Portal.Png("a.png"), Portal.Png("b.png"), Portal.Png("c.png"));

        await Expect(Portal.Rule(page, "Currently added '8' non-DICOM files. Adding these would surpass the maximum of 10 non-DICOM files that can be added to a study.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Article, new() { Name = "Study 1" }).Locator(".portal-files li")).ToHaveCountAsync(8);
        await Portal.AcceptAsync(page);
        await Expect(Portal.StartButton(page)).ToBeDisabledAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove c.png" }).ClickAsync();
        await Expect(Portal.Rule(page, "Currently added")).ToHaveCountAsync(0);
        await Expect(Portal.StartButton(page)).ToBeEnabledAsync();
    }

    [Fact]
    public async Task More_studies_than_the_hospital_allows_name_the_cap()
    {
        await Portal.ConfigureAsync(Server, maxStudies: 2);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);
        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out _), Portal.Dicom("MR_small.dcm", null, out _));
        ILocator rule = Portal.Rule(page, "A maximum of 2 studies can be uploaded at once");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studies (2)" })).ToBeVisibleAsync();
        await Expect(rule).ToHaveCountAsync(0);

        await Portal.AddFilesAsync(page, Portal.Dicom("MR_small.dcm", null, out _));

        await Expect(rule).ToBeVisibleAsync();
        await Portal.AcceptAsync(page);
        await Expect(Portal.StartButton(page)).ToBeDisabledAsync();
    }

    [Fact]
    public async Task The_server_checks_the_rules_again_and_its_refusal_is_shown()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync();
        await Portal.OpenAsync(Server, page);
        await Portal.AddFilesAsync(page, Portal.Dicom("CT_small.dcm", null, out _));
        await Portal.AcceptAsync(page);

        // The hospital lowers the limit after the page read it: the browser's check passes, the server's does not.
        await Portal.ConfigureAsync(Server, maxSessionBytes: 1_000);
        await Portal.StartButton(page).ClickAsync();

        await Expect(Portal.Rule(page, "Total file size exceeds the limit")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verify patient and study information and upload images" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_manual_is_public_and_names_the_hospital()
    {
        await Portal.ConfigureAsync(Server);
        IPage page = await NewPageAsync(768, 1000);
        await page.GotoAsync("/upload/manual");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How to upload your images" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Total file size exceeds the limit")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "imaging@example.org" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "upload-portal-manual");
    }
}
