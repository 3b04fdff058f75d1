using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Storage;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>
/// Kills the real server process (SIGKILL) again and again while several clients upload, restarts it, and checks
/// that every instance answered Stored is indexed with a blob of the right hash, and that nothing half-stored is
/// visible: every index row has its blob, every blob the index lacked was recovered, study counts add up.
/// </summary>
public sealed class CrashConsistencyTests
{
    private const int Kills = 20;
    private const string Key = "crash-test-key-0123456789abcdef";

    private sealed record Result(string File, string? SopInstanceUid, string? StudyInstanceUid, string Status, string? Reason);

    [Fact]
    public async Task Server_KilledDuringUploads_LosesNothingAndShowsNothingHalfStored()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string data = Path.Combine(Path.GetTempPath(), "portico-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var acknowledged = new ConcurrentDictionary<string, string>(); // SOP Instance UID -> SHA-256 of what was sent
        var random = new Random(20261124);
        int totalStored = 0;
        try
        {
            for (int kill = 0; kill < Kills; kill++)
            {
                using ServerProcess server = await ServerProcess.StartAsync(data, ct);
                using var stop = new CancellationTokenSource();
                Task[] uploaders = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(() => UploadUntilStoppedAsync(server.Url, acknowledged, stop.Token), ct))];
                await Task.Delay(random.Next(300, 1500), ct);
                server.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(uploaders);
            }

            using (ServerProcess final = await ServerProcess.StartAsync(data, ct))
            {
                using HttpClient client = Client(final.Url);
                foreach ((string sop, string sha) in acknowledged)
                {
                    byte[] stored = await client.GetByteArrayAsync($"/api/instances/{sop}/file", ct);
                    Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(stored)));
                    totalStored++;
                }
            }

            // The store is locked while a server has it open: checked once the last one is gone.
            await AssertIndexConsistentAsync(data, ct);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }

        Assert.True(totalStored > Kills, $"only {totalStored} instances were acknowledged over {Kills} runs: the test did not exercise the server");
    }

    private static async Task UploadUntilStoppedAsync(string url, ConcurrentDictionary<string, string> acknowledged, CancellationToken stop)
    {
        using HttpClient client = Client(url);
        while (!stop.IsCancellationRequested)
        {
            byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out string sop);
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            try
            {
                HttpResponseMessage response = await client.PostAsync("/api/instances", content, stop);
                Result[]? results = await response.Content.ReadFromJsonAsync<Result[]>(stop);
                if (results is [{ Status: "Stored" }])
                {
                    acknowledged[sop] = Convert.ToHexStringLower(SHA256.HashData(bytes));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or System.Text.Json.JsonException)
            {
                return; // the server died under us: only answered uploads count
            }
        }
    }

    private static async Task AssertIndexConsistentAsync(string data, CancellationToken ct)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portico:DataDirectory"] = data }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddPorticoIndex(configuration);
        services.AddPorticoStorage(configuration);
        await using ServiceProvider provider = services.BuildServiceProvider();
        await using AsyncServiceScope scope = provider.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        IBlobStore blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();

        var rows = await db.Instances.AsNoTracking().Select(i => new { i.BlobKey, i.Sha256, i.SizeBytes }).ToListAsync(ct);
        foreach (var row in rows)
        {
            await using Stream blob = blobs.OpenRead(BlobKey.Parse(row.BlobKey));
            Assert.Equal(row.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(blob, ct)));
            Assert.Equal(row.SizeBytes, blob.Length);
        }

        var referenced = rows.Select(r => r.BlobKey).ToHashSet(StringComparer.Ordinal);
        await foreach (BlobInfo blob in blobs.EnumerateAsync(ct))
        {
            Assert.Contains(blob.Key.Sha256Hex, referenced); // recovery indexed every blob the index lacked
        }

        var studies = await db.Studies.AsNoTracking().Select(s => new { s.Id, s.NumberOfInstances, Actual = db.Instances.Count(i => i.Series.StudyId == s.Id) }).ToListAsync(ct);
        Assert.All(studies, s => Assert.Equal(s.Actual, s.NumberOfInstances));
    }

    private static HttpClient Client(string url)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    /// <summary>Portico.Web as a child process on a free port, started the way an administrator starts it.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process, string url)
        {
            _process = process;
            Url = url;
        }

        public string Url { get; }

        public static async Task<ServerProcess> StartAsync(string data, CancellationToken ct)
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
            foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "Portico.Web.dll"), "--urls", "http://127.0.0.1:0", "--Portico:DataDirectory", data, "--Portico:Bootstrap:ApiKey", Key, "--Portico:Bootstrap:AdminPassword", "crash test admin password", "--Portico:Dicom:ListenAddress", "127.0.0.1", "--Portico:Dicom:Port", "0", "--Portico:Dicom:TlsPort", "0" })
            {
                start.ArgumentList.Add(a);
            }

            var process = Process.Start(start)!;
            var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                const string Marker = "Portico is running at ";
                if (e.Data?.IndexOf(Marker, StringComparison.Ordinal) is >= 0 and int at)
                {
                    url.TrySetResult(e.Data[(at + Marker.Length)..].Split(' ')[0].TrimEnd('/'));
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            string address = await url.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            for (int i = 0; i < 300; i++)
            {
                if ((await client.GetAsync("/health/ready", ct)).IsSuccessStatusCode)
                {
                    return new ServerProcess(process, address);
                }

                await Task.Delay(100, ct);
            }

            process.Kill(true);
            throw new TimeoutException("The server never became ready.");
        }

        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }
    }
}
