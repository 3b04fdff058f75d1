using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Portico.Cli.Commands;

/// <summary>Settings of the watch-folder agent (`portico agent`).</summary>
internal sealed record AgentSettings
{
    public required string Folder { get; init; }

    public required Uri Server { get; init; }

    public required string ApiKey { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a file waits for its partner (the PDF beside an XML, or the XML beside a PDF).</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A file is left alone until it has not changed for this long (it may still be being written).</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Send an XML without a PDF once the grace period is over (by default that is a failure).</summary>
    public bool PdfOptional { get; init; }

    /// <summary>Attempts while the server is unreachable before a pair is moved to failed/.</summary>
    public int Attempts { get; init; } = 10;
}

/// <summary>
/// Watches a folder for stress tests: an XML export and its PDF report with the same base name (<c>test1.xml</c> +
/// <c>test1.pdf</c>). Each pair is sent to <c>POST /api/stress-tests</c>, then moved to <c>processed/&lt;timestamp&gt;/</c>,
/// or to <c>failed/&lt;timestamp&gt;/</c> with an <c>error.log</c> that says why: a missing XML, a PDF still missing after
/// the grace period, names not matching, contents the server refused, or a server unreachable after every retry.
/// </summary>
internal sealed class WatchFolderAgent(AgentSettings settings, HttpClient http, TextWriter log, TimeProvider clock)
{
    public const string Processed = "processed";
    public const string Failed = "failed";
    public const string ErrorLog = "error.log";

    /// <summary>Written into a failed folder once the server knows of it (holds the server's id for it).</summary>
    public const string ReportedMarker = ".reported";

    private readonly Dictionary<string, int> _attempts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Scans the folder until cancelled, every <see cref="AgentSettings.Interval"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(settings.Interval, clock);
        do
        {
            await ScanAsync(cancellationToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One pass over the folder: sends what is ready, moves what is done or failed. Returns the pairs sent.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        await TakeBackRetriesAsync(cancellationToken).ConfigureAwait(false);
        int sent = await SendReadyAsync(cancellationToken).ConfigureAwait(false);
        await ReportFailuresAsync(cancellationToken).ConfigureAwait(false);
        return sent;
    }

    private async Task<int> SendReadyAsync(CancellationToken cancellationToken)
    {
        DateTime now = clock.GetUtcNow().UtcDateTime;
        var files = new DirectoryInfo(settings.Folder).EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && !f.Name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) && !f.Name.EndsWith(".part", StringComparison.OrdinalIgnoreCase))
            .Where(f => now - f.LastWriteTimeUtc >= settings.Settle)
            .ToList();
        int sent = 0;
        foreach (FileInfo other in files.Where(f => Kind(f) is null))
        {
            Fail([other], $"{other.Name} is neither an XML export nor a PDF report: the agent only takes name.xml with an optional name.pdf.");
        }

        var groups = files.Where(f => Kind(f) is not null).GroupBy(f => Path.GetFileNameWithoutExtension(f.Name), StringComparer.OrdinalIgnoreCase).ToList();
        var loneXml = groups.Where(g => g.All(f => Kind(f) == "xml")).SelectMany(g => g).ToList();
        var lonePdf = groups.Where(g => g.All(f => Kind(f) == "pdf")).SelectMany(g => g).ToList();
        foreach (IGrouping<string, FileInfo> group in groups)
        {
            FileInfo[] xmls = [.. group.Where(f => Kind(f) == "xml")];
            FileInfo[] pdfs = [.. group.Where(f => Kind(f) == "pdf")];
            bool waited = group.All(f => now - f.LastWriteTimeUtc >= settings.Grace);
            if (xmls.Length > 1 || pdfs.Length > 1)
            {
                Fail([.. group], $"Several files share the base name '{group.Key}' ({string.Join(", ", group.Select(f => f.Name))}): rename them so each XML has at most one PDF.");
            }
            else if (xmls.Length == 0)
            {
                if (waited)
                {
                    Fail(pdfs, $"Missing XML: no {group.Key}.xml beside {pdfs[0].Name} after {Describe(settings.Grace)}." + Mismatch(loneXml));
                }
            }
            else if (pdfs.Length == 0 && !(waited && settings.PdfOptional))
            {
                if (waited)
                {
                    Fail(xmls, $"Missing PDF: no {group.Key}.pdf beside {xmls[0].Name} after {Describe(settings.Grace)}." + Mismatch(lonePdf));
                }
            }
            else
            {
                await SendAsync(group.Key, xmls[0], pdfs.FirstOrDefault(), cancellationToken).ConfigureAwait(false);
                sent++;
            }
        }

        return sent;
    }

    /// <summary>
    /// Tells the server about every failed folder it has not heard of yet (a <c>.reported</c> file marks those it has),
    /// so staff see it in the web app's upload indicator. A server that cannot be reached hears of it at a later scan.
    /// </summary>
    private async Task ReportFailuresAsync(CancellationToken cancellationToken)
    {
        var failed = new DirectoryInfo(Path.Combine(settings.Folder, Failed));
        if (!failed.Exists)
        {
            return;
        }

        foreach (DirectoryInfo dir in failed.EnumerateDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            string log = Path.Combine(dir.FullName, ErrorLog);
            if (!File.Exists(log) || File.Exists(Path.Combine(dir.FullName, ReportedMarker)))
            {
                continue;
            }

            string[] files = [.. dir.EnumerateFiles().Where(f => f.Name is not (ErrorLog or ReportedMarker)).Select(f => f.Name).Order(StringComparer.Ordinal)];
            var report = new { folder = Failed + "/" + dir.Name, files, reason = await File.ReadAllTextAsync(log, cancellationToken).ConfigureAwait(false) };
            try
            {
                using HttpResponseMessage response = await SendJsonAsync(HttpMethod.Post, "api/agent-failures", report, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return; // a key without the permission, or a server error: tried again next scan
                }

                using JsonDocument created = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                await File.WriteAllTextAsync(Path.Combine(dir.FullName, ReportedMarker), created.RootElement.GetProperty("id").GetString(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Asks the server which failed pairs a user wants sent again (<em>Retry All Failed</em> in the web app), moves their
    /// files back into the watch folder, where this scan sends them, and tells the server it took them.
    /// </summary>
    private async Task TakeBackRetriesAsync(CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await SendJsonAsync(HttpMethod.Get, "api/agent-failures/retries", null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return;
            }

            using JsonDocument retries = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            foreach (JsonElement retry in retries.RootElement.EnumerateArray())
            {
                string id = retry.GetProperty("id").GetString()!;
                string folder = retry.GetProperty("folder").GetString() ?? "";
                TakeBack(folder);
                using HttpResponseMessage done = await SendJsonAsync(HttpMethod.Post, $"api/agent-failures/{id}/resolved", null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The server is away: the retry waits for a later scan.
        }
    }

    private void TakeBack(string folder)
    {
        // Only failed/<name> directly under the watch folder: the server's answer never walks elsewhere.
        string name = folder.StartsWith(Failed + "/", StringComparison.Ordinal) ? folder[(Failed.Length + 1)..] : "";
        var dir = new DirectoryInfo(Path.Combine(settings.Folder, Failed, name));
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or ".." || !dir.Exists)
        {
            log.WriteLine($"portico agent: a retry was asked for {folder}, which is not in {Failed}/ any more; nothing to send again.");
            return;
        }

        foreach (FileInfo file in dir.EnumerateFiles().Where(f => f.Name is not (ErrorLog or ReportedMarker)))
        {
            string target = Path.Combine(settings.Folder, file.Name);
            if (File.Exists(target))
            {
                log.WriteLine($"portico agent: retry of {folder}: {file.Name} is already in the watch folder; the failed copy stays.");
                return;
            }

            file.MoveTo(target);
        }

        dir.Delete(recursive: true);
        log.WriteLine($"portico agent: {folder} moved back into the watch folder to be sent again (Retry in the web app)");
    }

    private async Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(settings.Server, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static string? Kind(FileInfo file) => file.Extension.ToLowerInvariant() switch
    {
        ".xml" => "xml",
        ".pdf" => "pdf",
        _ => null,
    };

    private static string Mismatch(List<FileInfo> others) => others.Count == 0
        ? ""
        : $" Names not matching? The folder also holds {string.Join(", ", others.Select(f => f.Name))}: an XML and its PDF must have the same base name (test1.xml + test1.pdf).";

    private async Task SendAsync(string name, FileInfo xml, FileInfo? pdf, CancellationToken cancellationToken)
    {
        FileInfo[] pair = pdf is null ? [xml] : [xml, pdf];
        HttpResponseMessage response;
        string body;
        try
        {
            using var form = new MultipartFormDataContent();
            var xmlPart = new ByteArrayContent(await File.ReadAllBytesAsync(xml.FullName, cancellationToken).ConfigureAwait(false));
            xmlPart.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            form.Add(xmlPart, "xml", xml.Name);
            if (pdf is not null)
            {
                var pdfPart = new ByteArrayContent(await File.ReadAllBytesAsync(pdf.FullName, cancellationToken).ConfigureAwait(false));
                pdfPart.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
                form.Add(pdfPart, "pdf", pdf.Name);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.Server, "api/stress-tests")) { Content = form };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Unreachable(name, pair, ex.Message);
            return;
        }

        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                Unreachable(name, pair, $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
                return;
            }

            _attempts.Remove(name);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                // Not the files' fault: they stay for the next scan once the key is fixed.
                log.WriteLine($"portico agent: the server refused the API key ({(int)response.StatusCode}); {name} stays in the folder. Create a key with the Studies.Upload permission in Settings > Integrations > Agents.");
                return;
            }

            if (response.IsSuccessStatusCode)
            {
                string dir = Move(Processed, pair);
                File.WriteAllText(Path.Combine(dir, "result.log"), Describe(body), Encoding.UTF8);
                log.WriteLine($"portico agent: {name}: {Summary(body)} -> {Path.GetRelativePath(settings.Folder, dir)}");
                return;
            }

            Fail(pair, $"The server refused {name} ({(int)response.StatusCode}): {Describe(body)}");
        }
    }

    private void Unreachable(string name, FileInfo[] pair, string why)
    {
        int attempt = _attempts[name] = _attempts.GetValueOrDefault(name) + 1;
        if (attempt < settings.Attempts)
        {
            log.WriteLine($"portico agent: {name}: server unreachable ({why}); attempt {attempt} of {settings.Attempts}, retrying in {Describe(settings.Interval)}");
            return;
        }

        _attempts.Remove(name);
        Fail(pair, $"Server unreachable after {attempt} attempts ({settings.Server}): {why}");
    }

    private void Fail(FileInfo[] files, string why)
    {
        string dir = Move(Failed, files);
        File.WriteAllText(Path.Combine(dir, ErrorLog), why + Environment.NewLine, Encoding.UTF8);
        log.WriteLine($"portico agent: failed: {why} -> {Path.GetRelativePath(settings.Folder, dir)}");
    }

    /// <summary>Moves the files into a new <c>processed/&lt;timestamp&gt;/</c> or <c>failed/&lt;timestamp&gt;/</c> folder.</summary>
    private string Move(string where, FileInfo[] files)
    {
        string stamp = clock.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string dir = Path.Combine(settings.Folder, where, stamp);
        for (int n = 2; Directory.Exists(dir); n++)
        {
            dir = Path.Combine(settings.Folder, where, $"{stamp}-{n}");
        }

        Directory.CreateDirectory(dir);
        foreach (FileInfo file in files)
        {
            file.MoveTo(Path.Combine(dir, file.Name));
        }

        return dir;
    }

    /// <summary>The server's answer in words: the problem's title and detail, or the outcome and study, plus candidates.</summary>
    private static string Describe(string body)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(body);
            JsonElement root = json.RootElement;
            var text = new StringBuilder();
            if (root.TryGetProperty("detail", out JsonElement detail))
            {
                text.Append(root.TryGetProperty("title", out JsonElement title) ? title.GetString() + ": " : "").Append(detail.GetString());
                return text.ToString();
            }

            text.AppendLine(Summary(body));
            if (root.TryGetProperty("message", out JsonElement message))
            {
                text.AppendLine(message.GetString());
            }

            if (root.TryGetProperty("candidates", out JsonElement candidates))
            {
                foreach (JsonElement c in candidates.EnumerateArray())
                {
                    text.AppendLine($"  candidate study {c.GetProperty("studyInstanceUid").GetString()} ({c.GetProperty("studyDate")} {c.GetProperty("studyTime").GetString()}, {c.GetProperty("description").GetString()})");
                }

                if (candidates.GetArrayLength() > 0)
                {
                    text.AppendLine("Choose the study in the web app (+ > Study from Cardiac Stress Test Data) to import this test.");
                }
            }

            return text.ToString().TrimEnd();
        }
        catch (JsonException)
        {
            return body.Length > 500 ? body[..500] : body;
        }
    }

    private static string Summary(string body)
    {
        try
        {
            using JsonDocument json = JsonDocument.Parse(body);
            JsonElement root = json.RootElement;
            string outcome = root.TryGetProperty("outcome", out JsonElement o) ? o.GetString() ?? "" : "";
            string study = root.TryGetProperty("studyInstanceUid", out JsonElement s) && s.ValueKind == JsonValueKind.String ? " study " + s.GetString() : "";
            return outcome + study;
        }
        catch (JsonException)
        {
            return "sent";
        }
    }

    private static string Describe(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0
        ? $"{span.TotalMinutes:0} min"
        : $"{span.TotalSeconds:0} s";
}
