using System.Net;
using System.Text;
using Portico.Cli.Commands;
using Xunit;

namespace Portico.Cli.Tests;

/// <summary>The watch-folder agent against a fake server: every move to processed/ and failed/ with its error.log.</summary>
public sealed class AgentCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("portico-agent-").FullName;
    private readonly FakeServer _server = new();
    private readonly Clock _clock = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _log = new();

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WatchFolderAgent Agent(bool pdfOptional = false, int attempts = 3) => new(
        new AgentSettings { Folder = _dir, Server = new Uri("http://127.0.0.1:9/"), ApiKey = "agent-key", Grace = TimeSpan.FromMinutes(2), Settle = TimeSpan.FromSeconds(2), Attempts = attempts, PdfOptional = pdfOptional },
        new HttpClient(_server),
        _log,
        _clock);

    /// <summary>A file written <paramref name="age"/> before the clock's now.</summary>
    private void Write(string name, string content, TimeSpan age)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        File.SetLastWriteTimeUtc(path, _clock.GetUtcNow().UtcDateTime - age);
    }

    private string[] Moved(string where) =>
        Directory.Exists(Path.Combine(_dir, where))
            ? [.. Directory.GetFiles(Path.Combine(_dir, where), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Path.Combine(_dir, where), f).Split(Path.DirectorySeparatorChar)[^1]).Where(name => name != WatchFolderAgent.ReportedMarker).Order()]
            : [];

    private string ErrorLog() => File.ReadAllText(Directory.GetFiles(Path.Combine(_dir, WatchFolderAgent.Failed), "error.log", SearchOption.AllDirectories).Single());

    [Fact]
    public async Task Scan_Pair_IsSentAndMovedToProcessed()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromSeconds(10));
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromSeconds(10));
        _server.Answer = _ => Json(HttpStatusCode.Created, """{"outcome":"Created","studyInstanceUid":"1.2.3","message":"A new study was created."}""");

        int sent = await Agent().ScanAsync(Ct);

        Assert.Equal(1, sent);
        HttpRequestMessage request = Assert.Single(_server.Requests);
        Assert.Equal("http://127.0.0.1:9/api/stress-tests", request.RequestUri!.ToString());
        Assert.Equal("Bearer agent-key", request.Headers.Authorization!.ToString());
        Assert.Contains("name=xml", _server.Bodies[0], StringComparison.Ordinal);
        Assert.Contains("name=pdf", _server.Bodies[0], StringComparison.Ordinal);
        Assert.Equal(["result.log", "test1.pdf", "test1.xml"], Moved(WatchFolderAgent.Processed));
        Assert.Empty(Directory.GetFiles(_dir));
        string processed = Directory.GetDirectories(Path.Combine(_dir, WatchFolderAgent.Processed)).Single();
        Assert.Equal("20261206T100000Z", Path.GetFileName(processed));
        Assert.Contains("Created study 1.2.3", File.ReadAllText(Path.Combine(processed, "result.log")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_FileStillBeingWritten_IsLeftAlone()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.Zero);
        Write("test1.pdf", "%PDF-1.4", TimeSpan.Zero);

        Assert.Equal(0, await Agent().ScanAsync(Ct));
        Assert.Empty(_server.Requests);
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
    }

    [Fact]
    public async Task Scan_XmlWithoutPdf_WaitsThenFailsAfterTheGracePeriod()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromSeconds(30));
        await Agent().ScanAsync(Ct);
        Assert.Empty(Moved(WatchFolderAgent.Failed));

        File.SetLastWriteTimeUtc(Path.Combine(_dir, "test1.xml"), _clock.GetUtcNow().UtcDateTime.AddMinutes(-3));
        await Agent().ScanAsync(Ct);

        Assert.Equal(["error.log", "test1.xml"], Moved(WatchFolderAgent.Failed));
        Assert.Contains("Missing PDF: no test1.pdf beside test1.xml after 2 min", ErrorLog(), StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Scan_XmlWithoutPdf_PdfOptional_IsSentAlone()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromMinutes(3));
        _server.Answer = _ => Json(HttpStatusCode.OK, """{"outcome":"Attached","studyInstanceUid":"1.2.3"}""");

        await Agent(pdfOptional: true).ScanAsync(Ct);

        Assert.DoesNotContain("name=pdf", Assert.Single(_server.Bodies), StringComparison.Ordinal);
        Assert.Equal(["result.log", "test1.xml"], Moved(WatchFolderAgent.Processed));
    }

    [Fact]
    public async Task Scan_PdfWithoutXml_FailsAsMissingXml()
    {
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromMinutes(3));

        await Agent().ScanAsync(Ct);

        Assert.Equal(["error.log", "test1.pdf"], Moved(WatchFolderAgent.Failed));
        Assert.Contains("Missing XML: no test1.xml beside test1.pdf", ErrorLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_NamesNotMatching_SaysSo()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromMinutes(3));
        Write("report-1.pdf", "%PDF-1.4", TimeSpan.FromMinutes(3));

        await Agent().ScanAsync(Ct);

        string[] logs = [.. Directory.GetFiles(Path.Combine(_dir, WatchFolderAgent.Failed), "error.log", SearchOption.AllDirectories).Select(File.ReadAllText)];
        Assert.Equal(2, logs.Length);
        Assert.All(logs, l => Assert.Contains("Names not matching?", l, StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("also holds report-1.pdf", StringComparison.Ordinal));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Scan_OtherFile_Fails()
    {
        Write("notes.txt", "hello", TimeSpan.FromMinutes(3));

        await Agent().ScanAsync(Ct);

        Assert.Contains("neither an XML export nor a PDF report", ErrorLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_InvalidContents_FailsWithTheServersReason()
    {
        Write("test1.xml", "<Resting/>", TimeSpan.FromSeconds(10));
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromSeconds(10));
        _server.Answer = _ => Json(HttpStatusCode.UnprocessableEntity, """{"title":"Resting ECG, not a stress test","status":422,"detail":"This is a resting ECG, not a stress test.","refusal":"RestingEcg"}""");

        await Agent().ScanAsync(Ct);

        Assert.Equal(["error.log", "test1.pdf", "test1.xml"], Moved(WatchFolderAgent.Failed));
        Assert.Contains("The server refused test1 (422): Resting ECG, not a stress test: This is a resting ECG", ErrorLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_Ambiguous_FailsListingTheCandidates()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromSeconds(10));
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromSeconds(10));
        _server.Answer = _ => Json(HttpStatusCode.Conflict, """{"outcome":"Ambiguous","message":"2 stress echo studies of this patient match.","candidates":[{"studyInstanceUid":"1.2.4","studyDate":"2024-05-07","studyTime":"141000","description":"Stress echo"},{"studyInstanceUid":"1.2.5","studyDate":"2024-05-07","studyTime":"160000","description":"Stress echo"}]}""");

        await Agent().ScanAsync(Ct);

        string log = ErrorLog();
        Assert.Contains("(409)", log, StringComparison.Ordinal);
        Assert.Contains("candidate study 1.2.4", log, StringComparison.Ordinal);
        Assert.Contains("candidate study 1.2.5", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ServerUnreachable_RetriesThenFails()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromSeconds(10));
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromSeconds(10));
        _server.Answer = _ => throw new HttpRequestException("Connection refused (127.0.0.1:9)");
        WatchFolderAgent agent = Agent(attempts: 3);

        await agent.ScanAsync(Ct);
        await agent.ScanAsync(Ct);
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
        Assert.Contains("attempt 2 of 3", _log.ToString(), StringComparison.Ordinal);

        await agent.ScanAsync(Ct);

        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(["error.log", "test1.pdf", "test1.xml"], Moved(WatchFolderAgent.Failed));
        Assert.Contains("Server unreachable after 3 attempts", ErrorLog(), StringComparison.Ordinal);
        Assert.Contains("Connection refused", ErrorLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ServerErrorThenRecovers_IsProcessed()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromSeconds(10));
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromSeconds(10));
        _server.Answer = _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        WatchFolderAgent agent = Agent();
        await agent.ScanAsync(Ct);

        _server.Answer = _ => Json(HttpStatusCode.OK, """{"outcome":"AlreadyImported","studyInstanceUid":"1.2.3"}""");
        await agent.ScanAsync(Ct);

        Assert.Equal(["result.log", "test1.pdf", "test1.xml"], Moved(WatchFolderAgent.Processed));
    }

    [Fact]
    public async Task Scan_KeyRefused_LeavesTheFiles()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromSeconds(10));
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromSeconds(10));
        _server.Answer = _ => new HttpResponseMessage(HttpStatusCode.Unauthorized);

        await Agent().ScanAsync(Ct);

        Assert.Equal(2, Directory.GetFiles(_dir).Length);
        Assert.Contains("refused the API key", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingOptions_Exit2WithUsage()
    {
        var stderr = new StringWriter();

        int exit = await AgentCommand.RunAsync(["--folder", _dir], new StringWriter(), stderr, Ct);

        Assert.Equal(2, exit);
        Assert.Contains("--folder, --server and --api-key are required", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Once_ScansAndExits()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromMinutes(1));
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "test1.xml"), DateTime.UtcNow.AddMinutes(-1));
        File.WriteAllText(Path.Combine(_dir, "test1.pdf"), "%PDF-1.4");
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "test1.pdf"), DateTime.UtcNow.AddMinutes(-1));
        _server.Answer = _ => Json(HttpStatusCode.OK, """{"outcome":"Attached","studyInstanceUid":"1.2.3"}""");

        int exit = await AgentCommand.RunAsync(["--folder", _dir, "--server", "http://127.0.0.1:9", "--api-key", "k", "--interval", "10s", "--once"], new StringWriter(), new StringWriter(), Ct, _server);

        Assert.Equal(0, exit);
        Assert.Equal(["result.log", "test1.pdf", "test1.xml"], Moved(WatchFolderAgent.Processed));
    }

    [Fact]
    public async Task Failed_pair_is_reported_once_and_later_when_the_server_was_away()
    {
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromMinutes(3));
        _server.FailureApiUnreachable = true;
        WatchFolderAgent agent = Agent();

        await agent.ScanAsync(Ct);
        Assert.Empty(_server.FailureCalls);
        string dir = Directory.GetDirectories(Path.Combine(_dir, WatchFolderAgent.Failed)).Single();
        Assert.False(File.Exists(Path.Combine(dir, WatchFolderAgent.ReportedMarker)));

        _server.FailureApiUnreachable = false;
        await agent.ScanAsync(Ct);
        await agent.ScanAsync(Ct);

        (string method, string path, string body) = Assert.Single(_server.FailureCalls, c => c.Method == "POST");
        Assert.Equal("/api/agent-failures", path);
        Assert.Contains($"\"folder\":\"failed/{Path.GetFileName(dir)}\"", body, StringComparison.Ordinal);
        Assert.Contains("\"files\":[\"test1.pdf\"]", body, StringComparison.Ordinal);
        Assert.Contains("Missing XML", body, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, WatchFolderAgent.ReportedMarker)));
    }

    [Fact]
    public async Task A_retry_asked_in_the_web_app_sends_the_pair_again_and_resolves_it()
    {
        Write("test1.xml", "<CardiologyXML/>", TimeSpan.FromSeconds(10));
        Write("test1.pdf", "%PDF-1.4", TimeSpan.FromSeconds(10));
        _server.Answer = _ => Json(HttpStatusCode.UnprocessableEntity, """{"title":"Not a stress test","detail":"The XML is malformed."}""");
        WatchFolderAgent agent = Agent();
        await agent.ScanAsync(Ct);
        string failed = Path.GetFileName(Directory.GetDirectories(Path.Combine(_dir, WatchFolderAgent.Failed)).Single());

        _server.RetriesJson = $$"""[{"id":"7d3c0f5e-0000-7000-8000-000000000001","folder":"failed/{{failed}}","files":"test1.pdf, test1.xml"}]""";
        _server.Answer = _ => Json(HttpStatusCode.Created, """{"outcome":"Created","studyInstanceUid":"1.2.3"}""");
        int sent = await agent.ScanAsync(Ct);

        Assert.Equal(1, sent);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains(_server.FailureCalls, c => c is ("POST", "/api/agent-failures/7d3c0f5e-0000-7000-8000-000000000001/resolved", _));
        Assert.False(Directory.Exists(Path.Combine(_dir, WatchFolderAgent.Failed, failed)));
        Assert.Equal(["result.log", "test1.pdf", "test1.xml"], Moved(WatchFolderAgent.Processed));
        Assert.Contains("moved back into the watch folder", _log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("failed/../../etc")]
    [InlineData("processed/20261206T100000Z")]
    [InlineData("failed/..")]
    public async Task A_retry_for_a_folder_outside_failed_touches_nothing(string folder)
    {
        Write("keep.xml", "<CardiologyXML/>", TimeSpan.Zero);
        _server.RetriesJson = $$"""[{"id":"7d3c0f5e-0000-7000-8000-000000000002","folder":"{{folder}}","files":"x"}]""";

        await Agent().ScanAsync(Ct);

        Assert.True(File.Exists(Path.Combine(_dir, "keep.xml")));
        Assert.Contains("nothing to send again", _log.ToString(), StringComparison.Ordinal);
        Assert.Contains(_server.FailureCalls, c => c.Path.EndsWith("/resolved", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("45", 45)]
    public void ParseTime_Units(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), AgentCommand.ParseTime(text));

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Answers like the server would; records what the agent sent (stress tests and agent-failure calls apart).</summary>
    private sealed class FakeServer : HttpMessageHandler
    {
        public Func<HttpRequestMessage, HttpResponseMessage> Answer { get; set; } = _ => new HttpResponseMessage(HttpStatusCode.OK);

        /// <summary>The <c>POST /api/stress-tests</c> requests.</summary>
        public List<HttpRequestMessage> Requests { get; } = [];

        public List<string> Bodies { get; } = [];

        /// <summary>Calls to <c>/api/agent-failures</c>: method, path and body.</summary>
        public List<(string Method, string Path, string Body)> FailureCalls { get; } = [];

        /// <summary>What <c>GET /api/agent-failures/retries</c> answers (once; then an empty list).</summary>
        public string RetriesJson { get; set; } = "[]";

        public bool FailureApiUnreachable { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            string path = request.RequestUri!.AbsolutePath;
            if (path.StartsWith("/api/agent-failures", StringComparison.Ordinal))
            {
                if (FailureApiUnreachable)
                {
                    throw new HttpRequestException("Connection refused (127.0.0.1:9)");
                }

                FailureCalls.Add((request.Method.Method, path, body));
                if (path == "/api/agent-failures/retries")
                {
                    string retries = RetriesJson;
                    RetriesJson = "[]";
                    return Json(HttpStatusCode.OK, retries);
                }

                return path == "/api/agent-failures"
                    ? Json(HttpStatusCode.Created, $$"""{"id":"{{Guid.NewGuid()}}"}""")
                    : new HttpResponseMessage(HttpStatusCode.NoContent);
            }

            Requests.Add(request);
            Bodies.Add(body);
            return Answer(request);
        }
    }
}
