using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.PortalServer;

/// <summary>The study page's "Uploaded study information" box for a study that came through the Upload Portal's API.</summary>
public sealed class UploadedStudyInfoTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_uploaded_study_shows_who_brought_it_when_the_contact_comment_counts_attachment_and_originals_only_to_those_allowed()
    {
        (string studyUid, string hint) = await UploadThroughThePortalAsync();

        IPage page = await SignInAsync(path: $"/studies/{studyUid}");
        ILocator box = page.Locator("[data-uploaded-study]");
        await Expect(box.GetByRole(AriaRole.Heading, new() { Name = "Uploaded study information" })).ToBeVisibleAsync();
        await Expect(box.Locator("[data-uploaded-by]")).ToContainTextAsync($"Uploaded with upload code …{hint} on ");
        await Expect(box).ToContainTextAsync("patient@example.com");
        await Expect(box).ToContainTextAsync("+41 79 123 45 67");
        await Expect(box).ToContainTextAsync("Images from the cardiology clinic");
        await Expect(box.Locator("[data-original-patient-id]")).ToHaveTextAsync("1CT1");
        await Expect(box.Locator("[data-original-accession]")).ToHaveTextAsync("ACC-OUTSIDE");
        Assert.Equal("true", await box.Locator("svg.cloud-icon").GetAttributeAsync("aria-hidden"));
        ILocator link = box.GetByRole(AriaRole.Link, new() { Name = "referral.pdf" });
        await Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Expect(page.Locator("[data-patient-name]")).ToBeVisibleAsync();
        await Expect(page.GetByText("PORTICO-UPLOAD")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "uploaded-study-information");
        await ExpectAccessibleAsync(page);
        IAPIResponse pdf = await page.APIRequest.GetAsync(await link.GetAttributeAsync("href") ?? "");
        Assert.Equal(200, pdf.Status);
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
        Assert.StartsWith("inline", pdf.Headers["content-disposition"], StringComparison.Ordinal);

        await Server.CreateUserAsync("viewer-upload@test.local", "viewer password 123", "Viewer");
        IPage viewer = await SignInAsync("viewer-upload@test.local", "viewer password 123", $"/studies/{studyUid}");
        ILocator viewerBox = viewer.Locator("[data-uploaded-study]");
        await Expect(viewerBox).ToContainTextAsync("Uploaded with upload code");
        await Expect(viewerBox.Locator("[data-original-patient-id]")).ToHaveCountAsync(0);
        await Expect(viewerBox).Not.ToContainTextAsync("1CT1");
        await Expect(viewerBox).Not.ToContainTextAsync("ACC-OUTSIDE");
    }

    /// <summary>Opens a portal session with a new code (unscanned uploads allowed: no scanner in this test) and uploads one study and a PDF.</summary>
    private async Task<(string StudyUid, string Hint)> UploadThroughThePortalAsync()
    {
        using HttpClient admin = Server.Admin();
        HttpResponseMessage saved = await admin.PutAsJsonAsync("/api/upload-portal/settings", new
        {
            institutionName = "St Example Imaging",
            phone = "+1 555 0100",
            email = "imaging@hospital.example",
            manualUrl = "",
            privacyPolicy = "Policy",
            consentText = "Consent",
            maxSessionBytes = 100L * 1024 * 1024,
            maxStudiesPerSession = 10,
            defaultCodeValidityDays = 14,
            maxCodeValidityDays = 90,
            allowUnscannedUploads = true,
        }, Ct);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(Ct));
        HttpResponseMessage created = await admin.PostAsJsonAsync("/api/upload-codes", new { }, Ct);
        string code = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString()!;

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var portal = new HttpClient(handler) { BaseAddress = Server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await portal.PostAsJsonAsync("/api/portal/session", new { code }, Ct)).StatusCode);
        byte[] dicom = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out _, change: ds => ds.AddOrUpdate(DicomTags.AccessionNumber, DicomVR.SH, "ACC-OUTSIDE"));
        byte[] pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();
        HttpResponseMessage manifest = await portal.PostAsJsonAsync("/api/portal/session/manifest", new
        {
            email = "patient@example.com",
            phone = "+41 79 123 45 67",
            privacyAccepted = true,
            consentAccepted = true,
            totalBytes = dicom.Length + pdf.Length,
            unlinkedNonDicomFiles = 0,
            studies = new[] { new { studyInstanceUid = studyUid, comment = "Images from the cardiology clinic", dicomFiles = 1, nonDicomFiles = 1 } },
        }, Ct);
        Assert.True(manifest.IsSuccessStatusCode, await manifest.Content.ReadAsStringAsync(Ct));
        await TusAsync(portal, dicom, ("filename", "IMG0001"), ("kind", "dicom"));
        await TusAsync(portal, pdf, ("filename", "referral.pdf"), ("kind", "attachment"), ("studyInstanceUid", studyUid));
        Assert.Equal(HttpStatusCode.OK, (await portal.PostAsync("/api/portal/session/finish", null, Ct)).StatusCode);
        for (int i = 0; i < 200; i++)
        {
            JsonElement status = await portal.GetFromJsonAsync<JsonElement>("/api/portal/session/status", Ct);
            if (status.GetProperty("state").GetString() == "Completed")
            {
                Assert.Equal("Upload successful", status.GetProperty("message").GetString());
                return (studyUid, code[^4..]);
            }

            await Task.Delay(50, Ct);
        }

        throw new TimeoutException("The portal session did not complete.");
    }

    private static async Task TusAsync(HttpClient client, byte[] bytes, params (string Key, string Value)[] metadata)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/portal/uploads");
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", bytes.Length.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", string.Join(',', metadata.Select(m => m.Key + " " + Convert.ToBase64String(Encoding.UTF8.GetBytes(m.Value)))));
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        HttpResponseMessage response = await client.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
    }
}
