using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portico.Web.Tests.DicomNetwork;

/// <summary>
/// A private Orthanc (Debian package, installed by scripts/test.sh) on 127.0.0.1 with free HTTP and DICOM ports and a
/// temp storage directory, driven through its REST API.
/// </summary>
internal sealed class OrthancProcess : IAsyncDisposable
{
    public const string AETitle = "ORTHANC";

    private readonly Process _process;
    private readonly string _directory;

    private OrthancProcess(Process process, string directory, int httpPort, int dicomPort)
    {
        _process = process;
        _directory = directory;
        HttpPort = httpPort;
        DicomPort = dicomPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(120) };
    }

    public int HttpPort { get; }

    public int DicomPort { get; }

    public HttpClient Http { get; }

    /// <summary>Orthanc's DICOMweb plugin (Debian package orthanc-dicomweb, installed by scripts/test.sh).</summary>
    public const string DicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    public static Task<OrthancProcess> StartAsync(CancellationToken cancellationToken) => StartAsync(null, cancellationToken);

    /// <summary>
    /// Starts Orthanc; with <paramref name="dicomWebServer"/> its DICOMweb plugin is loaded and knows that server as
    /// <c>portico</c>, called with <c>Authorization: Bearer</c> and the given API key.
    /// </summary>
    public static async Task<OrthancProcess> StartAsync((Uri Url, string ApiKey)? dicomWebServer, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(Path.GetTempPath(), "portico-orthanc", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        int httpPort = ExternalTool.FreePort();
        int dicomPort = ExternalTool.FreePort();
        var config = new Dictionary<string, object>
        {
            ["Name"] = "portico-test",
            ["StorageDirectory"] = Path.Combine(directory, "db"),
            ["IndexDirectory"] = Path.Combine(directory, "db"),
            ["HttpPort"] = httpPort,
            ["HttpBindAddress"] = "127.0.0.1",
            ["DicomPort"] = dicomPort,
            ["DicomAet"] = AETitle,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomScuTimeout"] = 30,
            ["Plugins"] = Array.Empty<string>(),
        };
        if (dicomWebServer is ({ } url, { } apiKey))
        {
            if (!File.Exists(DicomWebPlugin))
            {
                throw new InvalidOperationException($"{DicomWebPlugin} is missing: run scripts/test.sh, which installs orthanc-dicomweb.");
            }

            config["Plugins"] = new[] { DicomWebPlugin };
            config["DicomWeb"] = new Dictionary<string, object>
            {
                ["Enable"] = true,
                ["Root"] = "/dicom-web/",
                ["EnableWado"] = false,
                ["Servers"] = new Dictionary<string, object>
                {
                    ["portico"] = new Dictionary<string, object>
                    {
                        ["Url"] = url.ToString(),
                        ["HttpHeaders"] = new Dictionary<string, string> { ["Authorization"] = "Bearer " + apiKey },
                    },
                },
            };
        }

        string path = Path.Combine(directory, "orthanc.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config), cancellationToken);
        Process process = ExternalTool.Start("Orthanc", [path]);
        var orthanc = new OrthancProcess(process, directory, httpPort, dicomPort);
        for (int i = 0; i < 200; i++)
        {
            try
            {
                using HttpResponseMessage response = await orthanc.Http.GetAsync("system", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return orthanc;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException("Orthanc exited at start: " + await process.StandardError.ReadToEndAsync(cancellationToken));
            }

            await Task.Delay(50, cancellationToken);
        }

        await orthanc.DisposeAsync();
        throw new TimeoutException("Orthanc did not start.");
    }

    /// <summary>Registers Portico as a DICOM modality of Orthanc.</summary>
    public async Task AddModalityAsync(string name, string aeTitle, int port, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await Http.PutAsync($"modalities/{name}", Json(new { AET = aeTitle, Host = "127.0.0.1", Port = port }), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Uploads a Part 10 file over REST; returns Orthanc's instance id.</summary>
    public async Task<string> UploadAsync(byte[] file, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(file);
        using HttpResponseMessage response = await Http.PostAsync("instances", content, cancellationToken);
        response.EnsureSuccessStatusCode();
        JsonElement body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return body.GetProperty("ID").GetString()!;
    }

    public async Task<JsonElement> PostJsonAsync(string path, object body, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await Http.PostAsync(path, Json(body), cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Orthanc {path}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
    }

    /// <summary>JSON with a Content-Length: Orthanc's HTTP server answers a chunked request body with 400.</summary>
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    /// <summary>SOP Instance UIDs Orthanc holds.</summary>
    public async Task<IReadOnlyList<string>> SopInstanceUidsAsync(CancellationToken cancellationToken)
    {
        JsonElement ids = await Http.GetFromJsonAsync<JsonElement>("instances?expand", cancellationToken);
        return [.. ids.EnumerateArray().Select(i => i.GetProperty("MainDicomTags").GetProperty("SOPInstanceUID").GetString()!)];
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
