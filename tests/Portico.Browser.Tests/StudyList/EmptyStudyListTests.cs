using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.StudyList;

/// <summary>A server of its own with no studies: the Study List explains how studies arrive.</summary>
public sealed class EmptyStudyListTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task With_no_studies_the_list_explains_how_studies_arrive()
    {
        IPage page = await SignInAsync();

        ILocator empty = page.Locator("[data-empty=no-studies]");
        await Expect(empty.GetByRole(AriaRole.Heading, new() { Name = "No studies yet" })).ToBeVisibleAsync();
        await Expect(empty).ToContainTextAsync("Settings > Devices > DICOM");
        await Expect(empty).ToContainTextAsync("AE title and port");
        await Expect(empty).ToContainTextAsync("+");
        await Expect(empty).ToContainTextAsync("Upload Portal");
        await Expect(page.Locator("section[data-upload-drop]")).ToHaveCountAsync(1);
        await ScreenshotAsync(page, "study-list-empty");
    }
}
