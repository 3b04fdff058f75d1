using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Web.Features.Scanning;
using Xunit;

namespace Portico.Web.Tests.UploadPortal;

/// <summary>A scanner the test controls: clean by default; a file name can be made infected; the scanner can be "down".</summary>
internal sealed class FakeScanning : IUploadScanning
{
    public bool IsConfigured { get; set; } = true;

    public bool IsRequired { get; set; } = true;

    /// <summary>While true every scan answers Waiting (the scanner is down).</summary>
    public bool Down { get; set; }

    /// <summary>File names reported as infected.</summary>
    public HashSet<string> Infected { get; } = new(StringComparer.Ordinal);

    public int Scans;

    public Task<UploadScanResult> ScanAsync(string path, string displayName, IngestSource source, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Scans);
        if (Down)
        {
            return Task.FromResult(new UploadScanResult(UploadScanStatus.Waiting, "The malware scanner is not available; the file waits."));
        }

        if (Infected.Contains(displayName))
        {
            File.Delete(path); // the real scanning moves it to the quarantine
            return Task.FromResult(new UploadScanResult(UploadScanStatus.Infected, "The file contains malware and was refused.", "Eicar-Test-Signature"));
        }

        return Task.FromResult(new UploadScanResult(UploadScanStatus.Clean));
    }
}

/// <summary>
/// The real server (PorticoFactory) with <see cref="FakeScanning"/> registered over DI, an admin client, and a portal
/// client (a cookie-keeping client that speaks to /api/portal).
/// </summary>
internal sealed class PortalHarness : IAsyncDisposable
{
    public const string Octets = "application/offset+octet-stream";

    private readonly PorticoFactory _base;

    /// <param name="scanning">The scanner the server gets; a clean one by default.</param>
    /// <param name="dataDirectory">A data directory to reuse (a restart); a fresh one by default.</param>
    /// <param name="deleteData">Delete the data directory at the end.</param>
    /// <param name="postgres">Index on a fresh PostgreSQL database (call <see cref="InitializeAsync"/> first).</param>
    public PortalHarness(FakeScanning? scanning = null, string? dataDirectory = null, bool deleteData = true, bool postgres = false)
    {
        Scanning = scanning ?? new FakeScanning();
        _base = dataDirectory is null
            ? new PorticoFactory { Settings = Settings, UsePostgres = postgres }
            : new PorticoFactory { Settings = Settings, DataDirectory = dataDirectory, DeleteDataDirectory = deleteData, UsePostgres = postgres };
        Factory = _base.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IUploadScanning>(Scanning)));
    }

    /// <summary>A server scanning with the real clamd at <paramref name="clamAv"/>, scanning required (<see cref="Scanning"/> is unused).</summary>
    public PortalHarness(string clamAv)
    {
        Scanning = new FakeScanning();
        Dictionary<string, string> settings = Settings;
        settings["Portico:Scanning:ClamAv"] = clamAv;
        settings["Portico:Scanning:Required"] = "true";
        _base = new PorticoFactory { Settings = settings };
        Factory = _base;
    }

    private static Dictionary<string, string> Settings => new()
    {
        ["Portico:UploadPortal:WrongCodeDelayStep"] = "00:00:00.010",
        ["Portico:UploadPortal:ScannerRetryInterval"] = "00:00:00.200",
    };

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public FakeScanning Scanning { get; }

    public WebApplicationFactory<Program> Factory { get; }

    public string DataDirectory => _base.DataDirectory;

    public HttpClient Admin()
    {
        HttpClient client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PorticoFactory.AdminKey);
        return client;
    }

    /// <summary>A browser-like client: keeps cookies, no credentials.</summary>
    public HttpClient Browser() => Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });

    public async Task<T> WithDbAsync<T>(Func<PorticoDbContext, Task<T>> action)
    {
        await using AsyncServiceScope scope = Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }

    public async Task SettingsAsync(long maxSessionBytes = 100L * 1024 * 1024, int maxStudies = 10, bool allowUnscanned = false)
    {
        using HttpClient admin = Admin();
        HttpResponseMessage response = await admin.PutAsJsonAsync("/api/upload-portal/settings", new
        {
            institutionName = "St Example Imaging",
            phone = "+1 555 0100",
            email = "imaging@hospital.example",
            manualUrl = "",
            privacyPolicy = "We keep your images safe.",
            consentText = "I agree.",
            maxSessionBytes,
            maxStudiesPerSession = maxStudies,
            defaultCodeValidityDays = 14,
            maxCodeValidityDays = 90,
            allowUnscannedUploads = allowUnscanned,
        }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    public async Task<string> NewCodeAsync()
    {
        using HttpClient admin = Admin();
        HttpResponseMessage response = await admin.PostAsJsonAsync("/api/upload-codes", new { issuedTo = "Test patient" }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString()!;
    }

    /// <summary>A browser with an open portal session (settings saved, a new code redeemed).</summary>
    public async Task<HttpClient> OpenSessionAsync(long maxSessionBytes = 100L * 1024 * 1024, int maxStudies = 10)
    {
        await SettingsAsync(maxSessionBytes, maxStudies);
        string code = await NewCodeAsync();
        HttpClient browser = Browser();
        HttpResponseMessage response = await browser.PostAsJsonAsync("/api/portal/session", new { code }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return browser;
    }

    public static object Study(string uid, int dicom, int nonDicom = 0, string? comment = null) =>
        new { studyInstanceUid = uid, comment, dicomFiles = dicom, nonDicomFiles = nonDicom };

    public static object Manifest(object[] studies, long totalBytes = 1000, int unlinked = 0, string? email = null, string? phone = null, bool privacy = true, bool consent = true) =>
        new { email, phone, privacyAccepted = privacy, consentAccepted = consent, totalBytes, unlinkedNonDicomFiles = unlinked, studies };

    public static async Task<HttpResponseMessage> ManifestAsync(HttpClient browser, object manifest) =>
        await browser.PostAsJsonAsync("/api/portal/session/manifest", manifest, Ct);

    public static string Metadata(params (string Key, string Value)[] pairs) =>
        string.Join(',', pairs.Select(p => p.Key + " " + Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))));

    /// <summary>tus creation with the whole file (creation-with-upload).</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string metadata)
    {
        using var request = Tus(HttpMethod.Post, "/api/portal/uploads");
        request.Headers.Add("Upload-Length", bytes.Length.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", metadata);
        request.Content = Body(bytes);
        return await client.SendAsync(request, Ct);
    }

    public static Task<HttpResponseMessage> UploadDicomAsync(HttpClient client, byte[] bytes, string name) =>
        UploadAsync(client, bytes, Metadata(("filename", name), ("kind", "dicom")));

    public static Task<HttpResponseMessage> UploadAttachmentAsync(HttpClient client, byte[] bytes, string name, string studyUid) =>
        UploadAsync(client, bytes, Metadata(("filename", name), ("kind", "attachment"), ("studyInstanceUid", studyUid)));

    public static HttpRequestMessage Tus(HttpMethod method, string location)
    {
        var request = new HttpRequestMessage(method, location);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    public static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(Octets);
        return content;
    }

    public static async Task<JsonElement> FinishAsync(HttpClient browser)
    {
        HttpResponseMessage response = await browser.PostAsync("/api/portal/session/finish", null, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Polls the status until the session is in <paramref name="state"/>.</summary>
    public static async Task<JsonElement> WaitForStateAsync(HttpClient browser, string state)
    {
        JsonElement status = default;
        for (int i = 0; i < 300; i++)
        {
            status = await browser.GetFromJsonAsync<JsonElement>("/api/portal/session/status", Ct);
            if (status.GetProperty("state").GetString() == state)
            {
                return status;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail($"The session did not reach {state}: {status}");
        return status;
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    /// <summary>Creates the PostgreSQL database of a <c>postgres</c> harness; nothing to do on SQLite.</summary>
    public Task InitializeAsync() => _base.CreatePostgresDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _base.DisposeAsync();
    }
}
