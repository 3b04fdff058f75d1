using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portico.Tests.Shared;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.StressTests;

/// <summary>+ > Study from Cardiac Stress Test Data: the dialog imports the samples and says what happened.</summary>
public sealed class StressTestDialogTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private static string Sample(string name) => Path.Combine(Repository.Root(), "tests", "TestData", "stress-tests", name);

    private static async Task<ILocator> OpenDialogAsync(IPage page)
    {
        await page.GetByLabel("Add studies").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Study from Cardiac Stress Test Data…" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Study from Cardiac Stress Test Data" });
        await Expect(dialog).ToBeVisibleAsync();
        return dialog;
    }

    [Fact]
    public async Task The_bruce_sample_with_its_pdf_creates_a_study_and_links_to_it()
    {
        IPage page = await SignInAsync();
        ILocator dialog = await OpenDialogAsync(page);
        ILocator create = dialog.GetByRole(AriaRole.Button, new() { Name = "Create Study" });
        await Expect(create).ToBeDisabledAsync();

        await dialog.GetByLabel("XML file (required)").SetInputFilesAsync(Sample("cardiosoft_bruce_4stage.xml"));
        await dialog.GetByLabel("PDF report (optional)").SetInputFilesAsync(Sample("stress_report_TEST-000101.pdf"));
        await Expect(create).ToBeEnabledAsync();
        await create.ClickAsync();

        ILocator link = dialog.GetByRole(AriaRole.Link, new() { Name = "Open the study" });
        await Expect(link).ToBeVisibleAsync();
        await Expect(dialog.Locator("[data-stress-test-result]")).ToContainTextAsync("A new study was created");
        string studyUid = await Server.WithDbAsync(db => db.StressTestAttachments.Where(a => a.XmlSha256 == "a3ba4e4adc93170d7ce3ed3b883052f15bb041c12b82ca19183c514c18a83025").Select(a => a.Study.StudyInstanceUid).SingleAsync(TestContext.Current.CancellationToken));
        await Expect(link).ToHaveAttributeAsync("href", "/studies/" + studyUid);
        await ScreenshotAsync(page, "stress-test-dialog");

        // The report the study page shows in its frame is served to the signed-in browser.
        IAPIResponse report = await page.Context.APIRequest.GetAsync($"/api/studies/{studyUid}/stress-test/pdf");
        Assert.Equal(200, report.Status);
        Assert.Equal(await File.ReadAllBytesAsync(Sample("stress_report_TEST-000101.pdf"), TestContext.Current.CancellationToken), await report.BodyAsync());

        // The link opens the study page, where the Stress test section shows the summary, the report and the XML.
        await link.ClickAsync();
        ILocator section = page.Locator("[data-stress-test]");
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Stress test" })).ToBeVisibleAsync();
        await Expect(section).ToContainTextAsync("BRUCE", new() { IgnoreCase = true });
        await Expect(section.Locator("iframe, object")).ToHaveCountAsync(1);
        await Expect(section.GetByRole(AriaRole.Link, new() { Name = "XML", Exact = false })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "study-stress-test");
        await ExpectAccessibleAsync(page);
    }

    [Fact]
    public async Task A_resting_ecg_is_refused_with_a_clear_message()
    {
        IPage page = await SignInAsync();
        ILocator dialog = await OpenDialogAsync(page);

        await dialog.GetByLabel("XML file (required)").SetInputFilesAsync(new FilePayload
        {
            Name = "resting.xml",
            MimeType = "application/xml",
            Buffer = """<?xml version="1.0" encoding="ISO8859-1" ?><CardiologyXML><ObservationType>RestECG</ObservationType><RestingECGMeasurements/></CardiologyXML>"""u8.ToArray(),
        });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create Study" }).ClickAsync();

        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("This is a resting ECG, not a stress test");
    }

    [Fact]
    public async Task A_pdf_that_is_not_a_pdf_is_refused()
    {
        IPage page = await SignInAsync();
        ILocator dialog = await OpenDialogAsync(page);

        await dialog.GetByLabel("XML file (required)").SetInputFilesAsync(Sample("cardiosoft_bike_missing_optional.xml"));
        await dialog.GetByLabel("PDF report (optional)").SetInputFilesAsync(new FilePayload { Name = "report.pdf", MimeType = "application/pdf", Buffer = "not a pdf"u8.ToArray() });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create Study" }).ClickAsync();

        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("The report is not a PDF file");
    }
}
