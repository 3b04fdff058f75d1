using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Portico.Browser.Tests.UploadPortal;

/// <summary>What the portal's browser tests share: settings and codes through the admin API, files, and the code step.</summary>
internal static class Portal
{
    public const string Institution = "St Example Imaging";

    /// <summary>The portal's settings (unscanned uploads allowed: the test server has no ClamAV).</summary>
    public static async Task ConfigureAsync(PorticoServer server, long maxSessionBytes = 2L * 1024 * 1024 * 1024, int maxStudies = 10)
    {
        using HttpClient admin = server.Admin();
        HttpResponseMessage response = await admin.PutAsJsonAsync("/api/upload-portal/settings", new
        {
            institutionName = Institution,
            phone = "+44 20 7946 0000",
            email = "imaging@example.org",
            manualUrl = "",
            privacyPolicy = "We use your images only for your care. They become part of your medical record.",
            consentText = "I consent to sending these images to St Example Imaging.",
            maxSessionBytes,
            maxStudiesPerSession = maxStudies,
            defaultCodeValidityDays = 14,
            maxCodeValidityDays = 90,
            allowUnscannedUploads = true,
        }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A new upload code (the admin API answers it once).</summary>
    public static async Task<string> NewCodeAsync(PorticoServer server)
    {
        using HttpClient admin = server.Admin();
        HttpResponseMessage response = await admin.PostAsJsonAsync("/api/upload-codes", new { issuedTo = "Browser test", maxSessions = (int?)null }, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("code").GetString()!;
    }

    /// <summary>Opens /upload and enters a new code: the page then shows the institution and Panel 1.</summary>
    public static async Task OpenAsync(PorticoServer server, IPage page)
    {
        string code = await NewCodeAsync(server);
        await page.GotoAsync("/upload");
        await page.GetByLabel("Upload code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Institution })).ToBeVisibleAsync();
    }

    /// <summary>Chooses files with the "Select images or ZIP file" button and waits until they have been read.</summary>
    public static async Task AddFilesAsync(IPage page, params FilePayload[] files)
    {
        IFileChooser chooser = await page.RunAndWaitForFileChooserAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Select images or ZIP file" }).ClickAsync());
        await chooser.SetFilesAsync(files);
        await Expect(page.GetByText("Reading files…")).ToHaveCountAsync(0);
    }

    public static ILocator Rule(IPage page, string message) =>
        page.GetByRole(AriaRole.Alert).Filter(new() { HasText = message });

    public static async Task AcceptAsync(IPage page)
    {
        await page.GetByLabel("I have read and accept the privacy policy").CheckAsync();
        await page.GetByLabel("I consent to sending these images to St Example Imaging.").CheckAsync();
    }

    public static ILocator StartButton(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "START UPLOAD" });

    /// <summary>A DICOM file from a pydicom sample with new UIDs, in the given study when one is named.</summary>
    public static FilePayload Dicom(string sample, string? studyUid, out string sopInstanceUid, string patientName = "Doe^Jane", Action<DicomDataset>? change = null)
    {
        byte[] bytes = DicomSamples.WithNewUids(sample, out _, out sopInstanceUid, change: dataset =>
        {
            if (studyUid is not null)
            {
                dataset.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
            }

            dataset.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, patientName);
            dataset.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, "EXT-4711");
            dataset.AddOrUpdate(DicomTags.PatientBirthDate, DicomVR.DA, "19700131");
            dataset.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "Echo at Example Clinic");
            dataset.AddOrUpdate(DicomTags.AccessionNumber, DicomVR.SH, "ACC-" + AccessionSuffix());
            change?.Invoke(dataset);
        });
        return new FilePayload { Name = Path.GetFileNameWithoutExtension(sample) + "-" + Guid.NewGuid().ToString("N")[..6] + ".dcm", MimeType = "application/dicom", Buffer = bytes };
    }

    /// <summary>A large DICOM file (a CT image of side x side 16-bit pixels), for uploads that take a while.</summary>
    public static FilePayload BigDicom(int side, out string sopInstanceUid) =>
        Dicom("CT_small.dcm", null, out sopInstanceUid, change: dataset =>
        {
            dataset.AddOrUpdate(DicomTags.Rows, DicomVR.US, (ushort)side);
            dataset.AddOrUpdate(DicomTags.Columns, DicomVR.US, (ushort)side);
            ushort[] pixels = new ushort[side * side];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (ushort)(i * 7);
            }

            dataset.AddOrUpdate(DicomTags.PixelData, DicomVR.OW, pixels.AsSpan());
        });

    /// <summary>A small PDF (a referral letter, say).</summary>
    public static FilePayload Pdf(string name) => new()
    {
        Name = name,
        MimeType = "application/pdf",
        Buffer = System.Text.Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
    };

    /// <summary>A 1x1 PNG picture.</summary>
    public static FilePayload Png(string name) => new()
    {
        Name = name,
        MimeType = "image/png",
        Buffer = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
    };

    public static string NewStudyUid() => Portico.Dicom.Uids.UidGenerator.NewUid();

    private static string AccessionSuffix() => Guid.NewGuid().ToString("N")[..8];
}
