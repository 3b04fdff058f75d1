using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>
/// The reference tus client (tus-js-client from npm, run by Node; installed by scripts/test.sh) against the real
/// server on a socket: a whole upload, and one dropped part-way and resumed from its upload URL.
/// </summary>
public sealed class TusClientInteropTests : IAsyncLifetime
{
    private readonly PorticoFactory _server = new();

    private sealed record ClientReport(string Url, long? AbortedAt, long? ResumedFrom, long BytesSent);

    private sealed record Result(string File, string? SopInstanceUid, string Status);

    private sealed record Outcome(string State, Result[] Results);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _server.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _server.StartServer();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task TusJsClient_DroppedAndResumed_StoresTheFile()
    {
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopUid);
        string file = Path.Combine(_server.DataDirectory, "CT_small.dcm");
        await File.WriteAllBytesAsync(file, bytes, Ct);

        ClientReport report = await RunClientAsync(file, "--chunk", "8192", "--abort-after", "16384");

        Assert.True(report.AbortedAt >= 16384, $"aborted at {report.AbortedAt}");
        Assert.True(report.ResumedFrom is > 0 && report.ResumedFrom < bytes.Length, $"resumed from {report.ResumedFrom}");
        Assert.Equal(0, report.ResumedFrom % 8192);
        Outcome outcome = await OutcomeAsync(report.Url);
        Assert.Equal("Completed", outcome.State);
        Result r = Assert.Single(outcome.Results);
        Assert.Equal(("CT_small.dcm", "Stored", sopUid), (r.File, r.Status, r.SopInstanceUid));
    }

    [Fact]
    public async Task TusJsClient_WholeFile_StoresTheFile()
    {
        byte[] bytes = TestFiles.WithNewUids("MR_small.dcm", out _, out string sopUid);
        string file = Path.Combine(_server.DataDirectory, "MR_small.dcm");
        await File.WriteAllBytesAsync(file, bytes, Ct);

        ClientReport report = await RunClientAsync(file);

        Assert.Null(report.ResumedFrom);
        Result r = Assert.Single((await OutcomeAsync(report.Url)).Results);
        Assert.Equal(("Stored", sopUid), (r.Status, r.SopInstanceUid));
    }

    private async Task<Outcome> OutcomeAsync(string url)
    {
        using HttpClient client = _server.Admin();
        return (await client.GetFromJsonAsync<Outcome>(new Uri(url).AbsolutePath + "/outcome?waitSeconds=30", Ct))!;
    }

    private async Task<ClientReport> RunClientAsync(string file, params string[] options)
    {
        string script = Path.Combine(RepositoryRoot(), "tests", "tus-client", "upload.mjs");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "tus-js-client")), "tests/tus-client/node_modules is missing: run scripts/test.sh, which installs it with npm ci.");
        using HttpClient client = _server.Admin();
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])[script, new Uri(client.BaseAddress!, "/api/uploads").ToString(), PorticoFactory.AdminKey, file, .. options])
        {
            start.ArgumentList.Add(argument);
        }

        using Process node = Process.Start(start)!;
        Task<string> stdout = node.StandardOutput.ReadToEndAsync(Ct);
        Task<string> stderr = node.StandardError.ReadToEndAsync(Ct);
        await node.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(node.ExitCode == 0, $"tus-js-client failed: {await stderr}");
        return JsonSerializer.Deserialize<ClientReport>(await stdout, JsonSerializerOptions.Web)!;
    }

    /// <summary>Found from this source file's compile-time path, as test artifacts may be built outside the tree.</summary>
    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
