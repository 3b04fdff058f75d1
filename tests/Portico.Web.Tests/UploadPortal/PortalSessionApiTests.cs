using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Index.UploadPortal;
using Portico.Web.Features.UploadPortal;
using Xunit;
using static Portico.Web.Tests.UploadPortal.PortalHarness;

namespace Portico.Web.Tests.UploadPortal;

/// <summary>Portal sessions: the cookie, the portal being off without a scanner, the manifest's rules, cancel.</summary>
public sealed class PortalSessionApiTests : IAsyncLifetime
{
    private readonly PortalHarness _portal = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task A_good_code_opens_a_session_with_an_HttpOnly_SameSite_Strict_cookie_and_the_portal_facts()
    {
        await _portal.SettingsAsync(maxSessionBytes: 5L * 1024 * 1024 * 1024, maxStudies: 7);
        string code = await _portal.NewCodeAsync();
        using HttpClient browser = _portal.Browser();

        HttpResponseMessage response = await browser.PostAsJsonAsync("/api/portal/session", new { code }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(PortalAuthenticationHandler.CookieName + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(code.Replace("-", "", StringComparison.Ordinal), cookie, StringComparison.Ordinal);
        JsonElement info = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("St Example Imaging", info.GetProperty("institutionName").GetString());
        Assert.Equal("+1 555 0100", info.GetProperty("phone").GetString());
        Assert.Equal("imaging@hospital.example", info.GetProperty("email").GetString());
        Assert.Equal(5L * 1024 * 1024 * 1024, info.GetProperty("maxSessionBytes").GetInt64());
        Assert.Equal(7, info.GetProperty("maxStudiesPerSession").GetInt32());
        Assert.Equal(10, info.GetProperty("maxNonDicomFilesPerStudy").GetInt32());
        Assert.Equal(2L * 1024 * 1024 * 1024, info.GetProperty("maxFileBytes").GetInt64());
        Assert.Equal("Open", info.GetProperty("state").GetString());
        foreach (string name in new[] { "manualUrl", "privacyPolicy", "consentText" })
        {
            Assert.Equal(JsonValueKind.String, info.GetProperty(name).ValueKind);
        }

        JsonElement again = await browser.GetFromJsonAsync<JsonElement>("/api/portal/session", Ct);
        Assert.Equal("Open", again.GetProperty("state").GetString());
        PortalSession row = await _portal.WithDbAsync(db => db.PortalSessions.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(code[^4..], row.CodeHint);
        Assert.Equal(PortalSessionState.Open, row.State);
    }

    [Fact]
    public async Task Without_a_scanner_and_without_allowing_unscanned_uploads_the_portal_is_off_and_the_code_stays_unused()
    {
        _portal.Scanning.IsConfigured = false;
        await _portal.SettingsAsync(allowUnscanned: false);
        string code = await _portal.NewCodeAsync();
        using HttpClient browser = _portal.Browser();

        HttpResponseMessage response = await browser.PostAsJsonAsync("/api/portal/session", new { code }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("The Upload Portal is not available at the moment. Please contact the hospital.", (await ProblemAsync(response)).GetProperty("detail").GetString());
        Assert.Equal(0, await _portal.WithDbAsync(db => db.UploadCodes.SumAsync(c => c.Uses, Ct)));
        Assert.Equal(0, await _portal.WithDbAsync(db => db.PortalSessions.CountAsync(Ct)));

        await _portal.SettingsAsync(allowUnscanned: true);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostAsJsonAsync("/api/portal/session", new { code }, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_portal_cookie_opens_no_staff_endpoint_and_portal_endpoints_need_the_cookie()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();

        foreach (string path in new[] { "/api/studies", "/api/upload-codes", "/api/uploads", "/api/audit", "/api/auth/keep-alive", "/api/users", "/api/upload-portal/settings" })
        {
            HttpResponseMessage response = await browser.GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {(int)response.StatusCode}");
        }

        using HttpRequestMessage tus = Tus(HttpMethod.Post, "/api/uploads");
        tus.Headers.Add("Upload-Length", "10");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(tus, Ct)).StatusCode);

        using HttpClient stranger = _portal.Browser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/portal/session", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/portal/session/status", Ct)).StatusCode);
        using HttpClient admin = _portal.Admin();
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/api/portal/session/status", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.PostAsJsonAsync("/api/portal/session/manifest", Manifest([Study("1.2.3", 1)]), Ct)).StatusCode);
    }

    public static TheoryData<string, string, string> BrokenRules() => new()
    {
        { "nonDicomWithoutDicom", JsonSerializer.Serialize(Manifest([Study("1.2.3", 0, 2)])), "You can only upload non-DICOM files if you also upload at least one DICOM file" },
        { "unlinkedNonDicom", JsonSerializer.Serialize(Manifest([Study("1.2.3", 5), Study("1.2.4", 5)], unlinked: 2)), "Please add the following files to a study or remove them" },
        { "nonDicomPerStudy", JsonSerializer.Serialize(Manifest([Study("1.2.3", 5, 11)])), "Currently added '11' non-DICOM files. Adding these would surpass the maximum of 10 non-DICOM files that can be added to a study." },
        { "studiesPerSession", JsonSerializer.Serialize(Manifest([Study("1.2.1", 1), Study("1.2.2", 1), Study("1.2.3", 1)])), "A maximum of 2 studies can be uploaded at once" },
        { "totalSize", JsonSerializer.Serialize(Manifest([Study("1.2.3", 1)], totalBytes: 1024 * 1024 + 1)), "Total file size exceeds the limit" },
        { "email", JsonSerializer.Serialize(Manifest([Study("1.2.3", 1)], email: "not an address")), PortalRules.EmailMessage },
        { "phone", JsonSerializer.Serialize(Manifest([Study("1.2.3", 1)], phone: "call me")), PortalRules.PhoneMessage },
        { "consent", JsonSerializer.Serialize(Manifest([Study("1.2.3", 1)], consent: false)), "Please accept the privacy policy and give your consent to start the upload" },
        { "consent", JsonSerializer.Serialize(Manifest([Study("1.2.3", 1)], privacy: false)), "Please accept the privacy policy and give your consent to start the upload" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task Every_portal_rule_is_enforced_on_the_server_with_its_message(string rule, string manifest, string message)
    {
        using HttpClient browser = await _portal.OpenSessionAsync(maxSessionBytes: 1024 * 1024, maxStudies: 2);

        HttpResponseMessage response = await browser.PostAsync("/api/portal/session/manifest", new StringContent(manifest, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        JsonElement problem = await ProblemAsync(response);
        Assert.Equal(message, problem.GetProperty("detail").GetString());
        Assert.Equal(rule, problem.GetProperty("rule").GetString());
        Assert.Equal(PortalSessionState.Open, await _portal.WithDbAsync(db => db.PortalSessions.Select(s => s.State).SingleAsync(Ct)));
    }

    [Fact]
    public async Task An_accepted_manifest_saves_contact_details_and_comments_and_starts_uploading()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();

        HttpResponseMessage response = await ManifestAsync(browser, Manifest([Study("1.2.3", 3, 1, "Echo from the other hospital")], email: "patient@example.com", phone: "+41 79 123 45 67"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Uploading", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("state").GetString());
        PortalSession session = await _portal.WithDbAsync(db => db.PortalSessions.Include(s => s.Studies).AsNoTracking().SingleAsync(Ct));
        Assert.Equal(("patient@example.com", "+41 79 123 45 67"), (session.Email, session.Phone));
        Assert.Equal("Echo from the other hospital", Assert.Single(session.Studies).Comment);
        Assert.Equal(1, await _portal.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadPortal.ManifestAccepted", Ct)));
        string audit = string.Join("\n", await _portal.WithDbAsync(db => db.AuditEntries.Select(a => a.Details ?? "").ToListAsync(Ct)));
        Assert.DoesNotContain("patient@example.com", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_beyond_the_session_limit_are_refused_when_the_upload_is_created()
    {
        using HttpClient browser = await _portal.OpenSessionAsync(maxSessionBytes: 300_000);
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study("1.2.3", 2)], totalBytes: 250_000))).StatusCode);
        byte[] file = TestFiles.WithNewUids("CT_small.dcm", out _, out _);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, file, "a.dcm")).StatusCode);

        using HttpRequestMessage request = Tus(HttpMethod.Post, "/api/portal/uploads");
        request.Headers.Add("Upload-Length", (300_000 - file.Length + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", Metadata(("filename", "big.dcm"), ("kind", "dicom")));
        HttpResponseMessage refused = await browser.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("Total file size exceeds the limit", (await ProblemAsync(refused)).GetProperty("detail").GetString());
        Assert.Equal(1, await _portal.WithDbAsync(db => db.PortalFiles.CountAsync(Ct)));
    }

    [Fact]
    public async Task Attachments_must_be_pdf_jpeg_or_png_linked_to_a_study_and_at_most_ten_per_study()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study("1.2.3", 1, 10)]))).StatusCode);

        HttpResponseMessage text = await UploadAttachmentAsync(browser, "just some text, not a PDF"u8.ToArray(), "notes.pdf", "1.2.3");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(PortalRules.AttachmentTypeMessage, (await ProblemAsync(text)).GetProperty("detail").GetString());

        HttpResponseMessage unlinked = await UploadAsync(browser, Pdf, Metadata(("filename", "loose.pdf"), ("kind", "attachment")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unlinked.StatusCode);
        Assert.Equal("Please add the following files to a study or remove them", (await ProblemAsync(unlinked)).GetProperty("detail").GetString());

        byte[][] accepted = [Pdf, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F'], [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]];
        for (int i = 0; i < 10; i++)
        {
            HttpResponseMessage ok = await UploadAttachmentAsync(browser, [.. accepted[i % 3], (byte)i], $"page{i}", "1.2.3");
            Assert.True(ok.StatusCode == HttpStatusCode.Created, await ok.Content.ReadAsStringAsync(Ct));
        }

        HttpResponseMessage eleventh = await UploadAttachmentAsync(browser, Pdf, "page11.pdf", "1.2.3");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, eleventh.StatusCode);
        Assert.Equal("Currently added '10' non-DICOM files. Adding these would surpass the maximum of 10 non-DICOM files that can be added to a study.", (await ProblemAsync(eleventh)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Cancel_discards_every_file_of_the_session_and_ends_it()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study("1.2.3", 2)]))).StatusCode);
        byte[] first = TestFiles.WithNewUids("CT_small.dcm", out string studyUid, out _);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, first, "a.dcm")).StatusCode);
        using HttpRequestMessage partial = Tus(HttpMethod.Post, "/api/portal/uploads");
        partial.Headers.Add("Upload-Length", "5000");
        partial.Headers.Add("Upload-Metadata", Metadata(("filename", "b.dcm"), ("kind", "dicom")));
        partial.Content = Body(new byte[100]);
        Assert.Equal(HttpStatusCode.Created, (await browser.SendAsync(partial, Ct)).StatusCode);
        string uploads = Path.Combine(_portal.DataDirectory, "uploads");
        Assert.Equal(2, Directory.EnumerateFiles(uploads, "*.bin").Count());

        HttpResponseMessage cancelled = await browser.DeleteAsync("/api/portal/session", Ct);

        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        Assert.Contains(cancelled.Headers.GetValues("Set-Cookie"), c => c.StartsWith(PortalAuthenticationHandler.CookieName + "=;", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(uploads, "*.bin"));
        Assert.Empty(Directory.EnumerateFiles(uploads, "*.json"));
        Assert.Equal(PortalSessionState.Cancelled, await _portal.WithDbAsync(db => db.PortalSessions.Select(s => s.State).SingleAsync(Ct)));
        Assert.Equal(0, await _portal.WithDbAsync(db => db.Instances.CountAsync(Ct)));
        Assert.Equal(0, await _portal.WithDbAsync(db => db.Studies.CountAsync(s => s.StudyInstanceUid == studyUid, Ct)));
        Assert.Equal(1, await _portal.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "UploadPortal.Cancelled", Ct)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/portal/session", Ct)).StatusCode);
    }

    [Fact]
    public async Task Portal_uploads_resume_with_HEAD_and_PATCH_and_honour_X_HTTP_Method_Override()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study("1.2.3", 1)]))).StatusCode);
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out _);
        using HttpRequestMessage create = Tus(HttpMethod.Post, "/api/portal/uploads");
        create.Headers.Add("Upload-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        create.Headers.Add("Upload-Metadata", Metadata(("filename", "a.dcm"), ("relativePath", "CD/DICOM/a.dcm"), ("kind", "dicom")));
        HttpResponseMessage created = await browser.SendAsync(create, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string location = created.Headers.Location!.ToString();
        Assert.StartsWith("/api/portal/uploads/", location, StringComparison.Ordinal);

        using HttpRequestMessage first = Tus(HttpMethod.Post, location);
        first.Headers.Add("X-HTTP-Method-Override", "PATCH");
        first.Headers.Add("Upload-Offset", "0");
        first.Content = Body(bytes[..1000]);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(first, Ct)).StatusCode);
        using HttpRequestMessage head = Tus(HttpMethod.Head, location);
        HttpResponseMessage offset = await browser.SendAsync(head, Ct);
        Assert.Equal("1000", offset.Headers.GetValues("Upload-Offset").Single());
        using HttpRequestMessage rest = Tus(HttpMethod.Patch, location);
        rest.Headers.Add("Upload-Offset", "1000");
        rest.Content = Body(bytes[1000..]);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(rest, Ct)).StatusCode);

        // Another session's (or a staff member's) view of the upload: not found.
        using HttpClient other = await _portal.OpenSessionAsync();
        using HttpRequestMessage foreign = Tus(HttpMethod.Head, location);
        Assert.Equal(HttpStatusCode.NotFound, (await other.SendAsync(foreign, Ct)).StatusCode);
        PortalFile file = await _portal.WithDbAsync(db => db.PortalFiles.AsNoTracking().SingleAsync(Ct));
        Assert.Equal((PortalFileStatus.Received, "CD/DICOM/a.dcm"), (file.Status, file.FileName));
        Assert.Equal(0, await _portal.WithDbAsync(db => db.Instances.CountAsync(Ct)));
    }

    internal static byte[] Pdf => "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();
}
