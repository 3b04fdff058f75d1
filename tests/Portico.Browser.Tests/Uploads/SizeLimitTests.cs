using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Uploads;

/// <summary>A server whose file limit is small, so "larger than the limit" needs no 2 GB file.</summary>
public sealed class SmallLimitServer : PorticoServer
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["Portico:Uploads:MaxFileBytes"] = "100000" };
}

public sealed class SizeLimitTests(SmallLimitServer server, BrowserSession browser) : BrowserTest<SmallLimitServer>(server, browser)
{
    [Fact]
    public async Task A_file_over_the_limit_is_refused_at_once_with_a_clear_message_and_nothing_is_sent()
    {
        IPage page = await SignInAsync();
        var uploadRequests = 0;
        page.Request += (_, request) => uploadRequests += request.Url.Contains("/api/uploads", StringComparison.Ordinal) ? 1 : 0;

        await UploadTests.ChooseFilesAsync(page, "Upload DICOMs…", [new FilePayload { Name = "big.dcm", MimeType = "application/dicom", Buffer = new byte[150_000] }]);

        ILocator item = page.Locator(".upload-item", new() { HasText = "big.dcm" });
        await Expect(item).ToHaveAttributeAsync("data-status", "rejected");
        await Expect(item.Locator(".upload-reason")).ToHaveTextAsync("This file is 146 KB; a file may be at most 98 KB. It was not sent.");
        Assert.Equal(0, uploadRequests);
    }
}
