using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.Viewer;

/// <summary>
/// The image viewer as a physician uses it: from the study page's series thumbnails to the viewer, stepping through a
/// CT series by button, key and wheel, windows (a preset, typed, dragged), annotations, zoom, pan and a measured length,
/// the frames of a multi-frame instance and its cine play, a JPEG 2000 image, and a series stored in a form the server
/// cannot draw, which says so instead of showing a broken picture.
/// </summary>
public sealed class ViewerTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    [Fact]
    public async Task A_study_is_viewed_image_by_image_and_frame_by_frame_with_windows()
    {
        string study = UidGenerator.NewUid();
        string ct = UidGenerator.NewUid(), cine = UidGenerator.NewUid(), j2k = UidGenerator.NewUid(), bigEndian = UidGenerator.NewUid();
        string[] ctImages = new string[3];
        for (int i = 0; i < 3; i++)
        {
            ctImages[i] = await UploadAsync("CT_small.dcm", study, ct, 1, i + 1, "Chest");
        }

        await UploadAsync("SC_rgb_rle_2frame.dcm", study, cine, 2, 1, "Loop");
        await UploadAsync("JPEG2000.dcm", study, j2k, 3, 1, "Compressed");
        await UploadAsync("rtdose_expb.dcm", study, bigEndian, 4, 1, "Big endian");

        IPage page = await SignInAsync(path: $"/studies/{study}");
        ILocator series = page.GetByRole(AriaRole.Table, new() { Name = "Series" });
        await ExpectLoadedAsync(series.Locator($"a[href*='series={ct}'] img"));
        // The JPEG 2000 series is drawn by the server; the big endian one cannot be: a placeholder instead of a broken image.
        await ExpectLoadedAsync(series.Locator($"a[href*='series={j2k}'] img"));
        await Expect(series.Locator($"a[href*='series={bigEndian}'] .series-thumb-empty")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "View images" }).ClickAsync();
        await WaitForUrlAsync(page, $"**/studies/{study}/viewer");
        await WaitForCircuitAsync(page);
        ILocator image = page.Locator("img[data-viewer-image]");
        await Expect(page.Locator("[data-image-position]")).ToHaveTextAsync("Image 1 of 3");
        await ExpectLoadedAsync(image);
        await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex($"/instances/{ctImages[0]}/frames/1/rendered$"));

        // The corners name the patient, the series and where the slice lies (pydicom's CT_small.dcm: Slice Location
        // -77.2040634155, Slice Thickness 5, Pixel Spacing 0.661468 mm, no window of its own).
        ILocator annotations = page.Locator("[data-viewer-annotations]");
        await Expect(annotations.Locator(".top-left")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Viewer, Vera\\s*ID PID-VIEW"));
        await Expect(annotations.Locator(".top-right")).ToContainTextAsync("Series 1 · CT");
        await Expect(annotations.Locator(".top-right")).ToContainTextAsync("Chest");
        await Expect(annotations.Locator(".bottom-left")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Image 1 / 3 \\(number 1\\)\\s*Location -77.2 mm\\s*Thickness 5 mm"));
        await Expect(annotations.Locator(".bottom-right")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Full range\\s*128 × 128\\s*0.661 mm / pixel"));
        await page.Locator("button[data-annotations]").ClickAsync();
        await Expect(annotations).ToHaveCountAsync(0);
        await page.Locator("button[data-annotations]").ClickAsync();
        await Expect(annotations.Locator(".bottom-left")).ToContainTextAsync("Image 1 / 3");

        await page.GetByRole(AriaRole.Button, new() { Name = "Next image" }).ClickAsync();
        await Expect(page.Locator("[data-image-position]")).ToHaveTextAsync("Image 2 of 3");
        await Expect(annotations.Locator(".bottom-left")).ToContainTextAsync("Image 2 / 3 (number 2)");
        await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex($"/instances/{ctImages[1]}/"));
        await ExpectLoadedAsync(image);

        // Keyboard: the image area takes the arrow keys.
        await page.Locator(".viewer-stage").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(page.Locator("[data-image-position]")).ToHaveTextAsync("Image 3 of 3");

        await page.GetByLabel("Window").SelectOptionAsync(new SelectOptionValue { Label = "Lung (−600 / 1500)" });
        await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("window=-600%2C1500$"));
        await ExpectLoadedAsync(image);
        await page.GetByLabel("Window").SelectOptionAsync("custom");
        await page.GetByLabel("Center").FillAsync("50");
        await page.GetByLabel("Width").FillAsync("350");
        await page.GetByLabel("Width").BlurAsync();
        await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("window=50%2C350$"));
        await ExpectLoadedAsync(image);
        await ExpectAccessibleAsync(page);
        await ScreenshotAsync(page, "viewer");

        // Actual size: the 128 × 128 image takes 128 × 128 CSS pixels instead of filling the view; then fitted again.
        await page.Locator("button[data-actual-size]").ClickAsync();
        await Expect(page.Locator("button[data-actual-size]")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.WaitForFunctionAsync("() => document.querySelector('img[data-viewer-image]').getBoundingClientRect().width === 128");
        await page.Locator("button[data-actual-size]").ClickAsync();
        await Expect(page.Locator("button[data-actual-size]")).ToHaveAttributeAsync("aria-pressed", "false");

        ILocator stage = page.Locator(".viewer-stage");
        string shown = (await image.GetAttributeAsync("src"))!;
        LocatorBoundingBoxResult box = (await stage.BoundingBoxAsync())!;
        float cx = box.X + (box.Width / 2), cy = box.Y + (box.Height / 2);

        // The wheel steps through the series: one notch up, the image before; one down, back.
        await page.Mouse.MoveAsync(cx, cy);
        await page.Mouse.WheelAsync(0, -100);
        await Expect(page.Locator("[data-image-position]")).ToHaveTextAsync("Image 2 of 3");
        await page.Mouse.WheelAsync(0, 100);
        await Expect(page.Locator("[data-image-position]")).ToHaveTextAsync("Image 3 of 3");
        await ExpectLoadedAsync(image);
        Assert.Equal(shown, await image.GetAttributeAsync("src"));

        // Zoom with Ctrl + wheel around the pointer, pan by dragging, and the zoom kept on the next image; a double-click
        // fits the picture again. All in the browser: the picture's address does not change.
        await page.Mouse.MoveAsync(cx + 20, cy + 10);
        await page.Keyboard.DownAsync("Control");
        await page.Mouse.WheelAsync(0, -100);
        await Expect(stage).ToHaveAttributeAsync("data-zoom", "120");
        await page.Mouse.WheelAsync(0, -100);
        await Expect(stage).ToHaveAttributeAsync("data-zoom", "144");
        await page.Keyboard.UpAsync("Control");
        await Expect(page.Locator("[data-zoom-level]")).ToHaveTextAsync("Zoom 144%");
        string zoomed = await image.EvaluateAsync<string>("img => img.style.transform");
        Assert.Contains("scale(1.44", zoomed, StringComparison.Ordinal);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(cx - 20, cy - 20, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        string panned = await image.EvaluateAsync<string>("img => img.style.transform");
        Assert.NotEqual(zoomed, panned);
        Assert.Contains("scale(1.44", panned, StringComparison.Ordinal);
        Assert.Equal(shown, await image.GetAttributeAsync("src"));
        await page.Keyboard.PressAsync("ArrowUp");
        await Expect(page.Locator("[data-image-position]")).ToHaveTextAsync("Image 2 of 3");
        await ExpectLoadedAsync(image);
        Assert.Equal(panned, await image.EvaluateAsync<string>("img => img.style.transform"));
        await stage.DblClickAsync();
        await Expect(stage).ToHaveAttributeAsync("data-zoom", "100");
        Assert.Equal("", await image.EvaluateAsync<string>("img => img.style.transform"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Zoom in" }).ClickAsync();
        await Expect(stage).ToHaveAttributeAsync("data-zoom", "144");
        await page.Locator("button[data-fit]").ClickAsync();
        await Expect(stage).ToHaveAttributeAsync("data-zoom", "100");

        // The window dragged with the right button from the lung preset (-600 / 1500): 64 pixels right widen it by
        // 64 × 1500 / 256, 30 pixels down raise its center by 30 × 1500 / 256.
        await page.GetByLabel("Window").SelectOptionAsync(new SelectOptionValue { Label = "Lung (−600 / 1500)" });
        await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("window=-600%2C1500$"));
        await page.Mouse.MoveAsync(cx, cy);
        await page.Mouse.DownAsync(new() { Button = MouseButton.Right });
        await page.Mouse.MoveAsync(cx + 64, cy + 30, new() { Steps = 8 });
        await page.Mouse.UpAsync(new() { Button = MouseButton.Right });
        await Expect(page.GetByLabel("Window")).ToHaveValueAsync("custom");
        await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("window=-424%2C1875$"));
        await Expect(page.GetByLabel("Center")).ToHaveValueAsync("-424");
        await Expect(page.GetByLabel("Width")).ToHaveValueAsync("1875");
        await Expect(annotations.Locator(".bottom-right")).ToContainTextAsync("W 1875 · C -424");

        // A length measured across the picture: 100 CSS pixels sideways are 100 / (CSS pixels per image pixel) columns,
        // each 0.661468 mm wide (the file's Pixel Spacing). Esc clears it.
        await page.Locator("button[data-measure]").ClickAsync();
        await Expect(stage).ToHaveAttributeAsync("data-tool", "measure");
        double fit = await image.EvaluateAsync<double>("img => Math.min(img.offsetWidth / img.naturalWidth, img.offsetHeight / img.naturalHeight)");
        await page.Mouse.MoveAsync(cx - 50, cy);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(cx + 50, cy, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        string expected = (100 / fit * 0.661468).ToString("0.0", CultureInfo.InvariantCulture) + " mm";
        await Expect(page.Locator("[data-measurement]")).ToHaveTextAsync(expected);
        Assert.Equal("", await image.EvaluateAsync<string>("img => img.style.transform")); // measuring does not pan

        // Zoomed in, the same 100 CSS pixels cover fewer image pixels; the first line keeps its length.
        await page.GetByRole(AriaRole.Button, new() { Name = "Zoom in" }).ClickAsync();
        await Expect(stage).ToHaveAttributeAsync("data-zoom", "144");
        await page.Mouse.MoveAsync(cx - 50, cy + 40);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(cx + 50, cy + 40, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        string zoomedLength = (100 / (fit * 1.44) * 0.661468).ToString("0.0", CultureInfo.InvariantCulture) + " mm";
        await Expect(page.Locator("[data-measurement]")).ToHaveTextAsync([expected, zoomedLength]);
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("[data-measurement]")).ToHaveCountAsync(0);
        await page.Locator("button[data-measure]").ClickAsync();
        await Expect(stage).ToHaveAttributeAsync("data-tool", "pan");
        await ExpectLoadedAsync(image);

        // The multi-frame series: frame by frame, then played.
        await page.Locator($"button[data-series='{cine}']").ClickAsync();
        await Expect(page.Locator("[data-frame-position]")).ToHaveTextAsync("Frame 1 of 2");
        await ExpectLoadedAsync(image);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next frame" }).ClickAsync();
        await Expect(page.Locator("[data-frame-position]")).ToHaveTextAsync("Frame 2 of 2");
        await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("/frames/2/rendered$"));
        await ExpectLoadedAsync(image);
        await page.Locator("button[data-play]").ClickAsync();
        await Expect(page.Locator("button[data-play]")).ToHaveTextAsync("Pause");
        await Expect(page.Locator("[data-frame-position]")).ToHaveTextAsync("Frame 1 of 2"); // it moves on by itself
        await page.Locator("button[data-play]").ClickAsync();
        await Expect(page.Locator("button[data-play]")).ToHaveTextAsync("Play");

        // The JPEG 2000 image, decoded by the server.
        await page.Locator($"button[data-series='{j2k}']").ClickAsync();
        await Expect(image).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("/frames/1/rendered$"));
        await ExpectLoadedAsync(image);

        // The series the server cannot draw says why.
        await page.Locator($"button[data-series='{bigEndian}']").ClickAsync();
        await Expect(page.Locator("[data-viewer-refusal]")).ToContainTextAsync("stored big endian");
        await Expect(image).ToHaveCountAsync(0);
    }

    /// <summary>The picture arrived and the browser decoded it.</summary>
    private static async Task ExpectLoadedAsync(ILocator image)
    {
        await Expect(image).ToBeVisibleAsync();
        await image.EvaluateAsync("img => img.complete && img.naturalWidth > 0 ? true : new Promise((ok, fail) => { img.addEventListener('load', () => ok(true), { once: true }); img.addEventListener('error', () => fail(new Error('the image failed to load: ' + img.src)), { once: true }); })");
        Assert.True(await image.EvaluateAsync<int>("img => img.naturalWidth") > 0);
    }

    private async Task<string> UploadAsync(string sample, string study, string series, int seriesNumber, int instanceNumber, string description)
    {
        byte[] bytes = DicomSamples.WithNewUids(sample, out _, out string sop, change: ds =>
        {
            ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, study);
            ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
            ds.AddOrUpdate(DicomTags.SeriesNumber, DicomVR.IS, seriesNumber.ToString(CultureInfo.InvariantCulture));
            ds.AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, instanceNumber.ToString(CultureInfo.InvariantCulture));
            ds.AddOrUpdate(DicomTags.SeriesDescription, DicomVR.LO, description);
            ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, "Viewer^Vera");
            ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, "PID-VIEW");
        });
        using HttpClient client = Server.Admin();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using HttpResponseMessage response = await client.PostAsync("/api/instances", content, TestContext.Current.CancellationToken);
        string answer = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK && answer.Contains("\"Stored\"", StringComparison.Ordinal), answer);
        return sop;
    }
}
