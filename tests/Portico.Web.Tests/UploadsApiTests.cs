using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portico.Index;
using Portico.Web.Features.Uploads;
using Xunit;

namespace Portico.Web.Tests;

/// <summary>tus 1.0.0 at /api/uploads: core, creation, creation-with-upload, termination, expiration, checksum.</summary>
public sealed class UploadsApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private const string Octets = "application/offset+octet-stream";

    private sealed record Result(string File, string? SopInstanceUid, string? StudyInstanceUid, string Status, string? Reason);

    private sealed record Outcome(string Id, string FileName, string State, long Offset, long Length, Result[] Results, string? Error);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Options_AnnouncesVersionExtensionsAndLimits()
    {
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/uploads"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", Header(response, "Tus-Version"));
        Assert.Equal(["creation", "creation-with-upload", "termination", "expiration", "checksum"], Header(response, "Tus-Extension").Split(','));
        Assert.Equal((2L * 1024 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "Tus-Max-Size"));
        Assert.Contains("sha1", Header(response, "Tus-Checksum-Algorithm").Split(','));
    }

    [Fact]
    public async Task Upload_InTwoChunks_IsStoredAndReportedByOutcome()
    {
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out string studyUid, out string sopUid);
        using HttpClient client = factory.Admin();
        string location = await CreateAsync(client, bytes.Length, "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes("CT_small.dcm")));

        HttpResponseMessage first = await PatchAsync(client, location, 0, bytes.AsMemory(0, 1000));
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal("1000", Header(first, "Upload-Offset"));
        Assert.False(string.IsNullOrEmpty(Header(first, "Upload-Expires")));

        HttpResponseMessage head = await HeadAsync(client, location);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("1000", Header(head, "Upload-Offset"));
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(head, "Upload-Length"));
        Assert.Equal("no-store", head.Headers.CacheControl?.ToString());

        HttpResponseMessage second = await PatchAsync(client, location, 1000, bytes.AsMemory(1000));
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(second, "Upload-Offset"));

        Outcome outcome = await OutcomeAsync(client, location);
        Assert.Equal("Completed", outcome.State);
        Result r = Assert.Single(outcome.Results);
        Assert.Equal(("CT_small.dcm", "Stored", sopUid, studyUid), (r.File, r.Status, r.SopInstanceUid, r.StudyInstanceUid));
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), await db.Instances.Where(i => i.SopInstanceUid == sopUid).Select(i => i.Sha256).SingleAsync(Ct));
        Assert.False(File.Exists(Path.Combine(factory.DataDirectory, "uploads", location.Split('/')[^1] + ".bin")), "the bytes file is gone once processed");
    }

    [Fact]
    public async Task CreationWithUpload_WholeFile_CompletesInOneRequest()
    {
        byte[] bytes = TestFiles.WithNewUids("MR_small.dcm", out _, out string sopUid);
        using HttpClient client = factory.Admin();
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content = Body(bytes);

        HttpResponseMessage response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "Upload-Offset"));
        Outcome outcome = await OutcomeAsync(client, response.Headers.Location!.ToString());
        Assert.Equal(sopUid, Assert.Single(outcome.Results).SopInstanceUid);
        Assert.Equal("Stored", outcome.Results[0].Status);
    }

    [Fact]
    public async Task Create_LargerThan2GB_IsRefusedAtOnceWithTheLimit()
    {
        using HttpClient client = factory.Admin();
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", ((2L * 1024 * 1024 * 1024) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

        HttpResponseMessage response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        string detail = await DetailAsync(response);
        Assert.Contains("larger than 2 GB", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(factory.DataDirectory, "uploads"), "*.bin"), f => new FileInfo(f).Length > 1L << 30);
    }

    [Theory]
    [InlineData(null, null, "Upload-Length")]
    [InlineData("-5", null, "Upload-Length")]
    [InlineData("10", "filename not-base64!", "base64")]
    [InlineData("10", "a MQ==,a Mg==", "twice")]
    public async Task Create_WithBadHeaders_Is400WithTheReason(string? length, string? metadata, string reason)
    {
        using HttpClient client = factory.Admin();
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        if (length is not null)
        {
            request.Headers.Add("Upload-Length", length);
        }

        if (metadata is not null)
        {
            request.Headers.Add("Upload-Metadata", metadata);
        }

        HttpResponseMessage response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_WithoutTusResumable_Are412WithTheVersion()
    {
        using HttpClient client = factory.Admin();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "10");

        HttpResponseMessage response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", Header(response, "Tus-Version"));
    }

    [Fact]
    public async Task Patch_WrongOffsetOrContentType_IsRefusedAndChangesNothing()
    {
        using HttpClient client = factory.Admin();
        string location = await CreateAsync(client, 100);
        await PatchAsync(client, location, 0, new byte[10]);

        HttpResponseMessage wrongOffset = await PatchAsync(client, location, 5, new byte[10]);
        using var wrongType = Tus(HttpMethod.Patch, location);
        wrongType.Headers.Add("Upload-Offset", "10");
        wrongType.Content = new ByteArrayContent(new byte[10]);
        wrongType.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        HttpResponseMessage wrongTypeResponse = await client.SendAsync(wrongType, Ct);

        Assert.Equal(HttpStatusCode.Conflict, wrongOffset.StatusCode);
        Assert.Contains("HEAD", await DetailAsync(wrongOffset), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongTypeResponse.StatusCode);
        Assert.Equal("10", Header(await HeadAsync(client, location), "Upload-Offset"));
    }

    [Fact]
    public async Task Patch_MoreBytesThanTheLength_Is413AndDiscardsTheChunk()
    {
        using HttpClient client = factory.Admin();
        string location = await CreateAsync(client, 100);
        await PatchAsync(client, location, 0, new byte[60]);

        HttpResponseMessage response = await PatchAsync(client, location, 60, new byte[50]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("60", Header(await HeadAsync(client, location), "Upload-Offset"));
    }

#pragma warning disable CA5350 // tus requires sha1 for chunk checksums: an integrity check, not security
    [Fact]
    public async Task Patch_WithChecksums_KeepsMatchingChunksOnly()
    {
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopUid);
        using HttpClient client = factory.Admin();
        string location = await CreateAsync(client, bytes.Length);
        byte[] firstChunk = bytes[..4000];
        byte[] secondChunk = bytes[4000..];

        HttpResponseMessage good = await PatchAsync(client, location, 0, firstChunk, "sha1 " + Convert.ToBase64String(SHA1.HashData(firstChunk)));
        HttpResponseMessage mismatch = await PatchAsync(client, location, 4000, secondChunk, "sha1 " + Convert.ToBase64String(SHA1.HashData(firstChunk)));
        string offsetAfterMismatch = Header(await HeadAsync(client, location), "Upload-Offset");
        HttpResponseMessage unknown = await PatchAsync(client, location, 4000, secondChunk, "crc32 AAAA");
        HttpResponseMessage sha256 = await PatchAsync(client, location, 4000, secondChunk, "sha256 " + Convert.ToBase64String(SHA256.HashData(secondChunk)));

        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        Assert.Equal(460, (int)mismatch.StatusCode);
        Assert.Equal("4000", offsetAfterMismatch);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("crc32", await DetailAsync(unknown), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, sha256.StatusCode);
        Assert.Equal(sopUid, Assert.Single((await OutcomeAsync(client, location)).Results).SopInstanceUid);
    }
#pragma warning restore CA5350

    [Fact]
    public async Task Delete_TerminatesTheUploadAndRemovesItsBytes()
    {
        using HttpClient client = factory.Admin();
        string location = await CreateAsync(client, 100);
        await PatchAsync(client, location, 0, new byte[40]);
        string id = location.Split('/')[^1];
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "uploads", id + ".bin")));

        using var delete = Tus(HttpMethod.Delete, location);
        HttpResponseMessage response = await client.SendAsync(delete, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await HeadAsync(client, location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(client, location, 40, new byte[10])).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDirectory, "uploads"), id + ".*"));
    }

    [Fact]
    public async Task AnotherCallersUpload_IsNotFound()
    {
        using HttpClient owner = factory.Admin();
        string location = await CreateAsync(owner, 100);
        string otherKey = await factory.CreateKeyAsync(Portico.Index.Access.Permissions.StudiesUpload);
        using HttpClient other = factory.ClientWithKey(otherKey);

        Assert.Equal(HttpStatusCode.NotFound, (await HeadAsync(other, location)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(other, location, 0, new byte[10])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(location + "/outcome", Ct)).StatusCode);
        Assert.DoesNotContain(await other.GetFromJsonAsync<UploadsApi.UploadSummary[]>("/api/uploads", Ct) ?? [], u => location.EndsWith(u.Id, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await HeadAsync(owner, location)).StatusCode);
    }

    [Fact]
    public async Task Zip_ThroughTus_ReportsEveryEntry()
    {
        byte[] a = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopA);
        byte[] b = TestFiles.WithNewUids("MR_small.dcm", out _, out string sopB);
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (Stream s = await archive.CreateEntry("study/a.dcm").OpenAsync(Ct))
            {
                await s.WriteAsync(a, Ct);
            }

            await using (Stream s = await archive.CreateEntry("study/b.dcm").OpenAsync(Ct))
            {
                await s.WriteAsync(b, Ct);
            }

            await using (Stream s = await archive.CreateEntry("../escape.dcm").OpenAsync(Ct))
            {
                await s.WriteAsync(a, Ct);
            }
        }

        byte[] bytes = zip.ToArray();
        using HttpClient client = factory.Admin();
        string location = await CreateAsync(client, bytes.Length, "filename " + Convert.ToBase64String("cd.zip"u8.ToArray()));
        await PatchAsync(client, location, 0, bytes);

        Outcome outcome = await OutcomeAsync(client, location);

        Assert.Equal("Completed", outcome.State);
        Assert.Equal(3, outcome.Results.Length);
        Assert.Contains(("study/a.dcm", "Stored", sopA), outcome.Results.Select(r => (r.File, r.Status, r.SopInstanceUid)));
        Assert.Contains(("study/b.dcm", "Stored", sopB), outcome.Results.Select(r => (r.File, r.Status, r.SopInstanceUid)));
        Assert.Contains(("../escape.dcm", "Skipped", (string?)null), outcome.Results.Select(r => (r.File, r.Status, r.SopInstanceUid)));
    }

    [Fact]
    public async Task NotDicom_IsRejectedWithAReason()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("%PDF-1.4 this is not an image");
        using HttpClient client = factory.Admin();
        string location = await CreateAsync(client, bytes.Length, "filename " + Convert.ToBase64String("report.pdf"u8.ToArray()));
        await PatchAsync(client, location, 0, bytes);

        Result r = Assert.Single((await OutcomeAsync(client, location)).Results);

        Assert.Equal(("report.pdf", "Rejected"), (r.File, r.Status));
        Assert.Contains("not valid DICOM", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MethodOverride_PostAsPatch_Appends()
    {
        using HttpClient client = factory.Admin();
        string location = await CreateAsync(client, 100);
        using var request = Tus(HttpMethod.Post, location);
        request.Headers.Add("X-HTTP-Method-Override", "PATCH");
        request.Headers.Add("Upload-Offset", "0");
        request.Content = Body(new byte[30]);

        HttpResponseMessage response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("30", Header(response, "Upload-Offset"));
    }

    [Fact]
    public async Task InterruptedPatch_KeepsWhatArrived_AndTheClientResumesFromThere()
    {
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopUid);
        await using var kestrel = new PorticoFactory(); // a real socket: the test server does not pass on a broken body
        kestrel.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        kestrel.StartServer();
        using HttpClient client = kestrel.Admin();
        string location = await CreateAsync(client, bytes.Length);
        // Half the announced body arrives, then the connection drops.
        Uri server = client.BaseAddress!;
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(server.Host, server.Port, Ct);
            NetworkStream stream = socket.GetStream();
            string head = $"PATCH {location} HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {PorticoFactory.AdminKey}\r\n"
                + $"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: {Octets}\r\nContent-Length: {bytes.Length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);
            await stream.WriteAsync(bytes.AsMemory(0, 20_000), Ct);
            await stream.FlushAsync(Ct);
            Assert.Equal(20_000, await WaitForOffsetAsync(client, location, 20_000));
        }

        long offset = await WaitForOffsetAsync(client, location, 20_000);
        HttpResponseMessage rest = await PatchAsync(client, location, offset, bytes.AsMemory((int)offset));

        Assert.Equal(20_000, offset);
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Result r = Assert.Single((await OutcomeAsync(client, location)).Results);
        Assert.Equal(("Stored", sopUid), (r.Status, r.SopInstanceUid));
    }

    [Fact]
    public async Task Restart_KeepsPartialUploads_ForTheClientToResume()
    {
        byte[] bytes = TestFiles.WithNewUids("MR_small.dcm", out _, out string sopUid);
        string data = Path.Combine(Path.GetTempPath(), "portico-web-tests", Guid.NewGuid().ToString("N"));
        string location;
        await using (var first = new PorticoFactory { DataDirectory = data, DeleteDataDirectory = false })
        {
            using HttpClient client = first.Admin();
            location = await CreateAsync(client, bytes.Length);
            await PatchAsync(client, location, 0, bytes.AsMemory(0, 3000));
        }

        await using var second = new PorticoFactory { DataDirectory = data };
        using HttpClient again = second.Admin();
        HttpResponseMessage head = await HeadAsync(again, location);
        HttpResponseMessage rest = await PatchAsync(again, location, 3000, bytes.AsMemory(3000));

        Assert.Equal("3000", Header(head, "Upload-Offset"));
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.Equal(sopUid, Assert.Single((await OutcomeAsync(again, location)).Results).SopInstanceUid);
    }

    [Fact]
    public async Task Expired_Is410_AndTheSweepReclaimsItsSpace()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var plain = new PorticoFactory();
        await using WebApplicationFactoryOf timed = new(plain.WithWebHostBuilder(b =>
        {
            b.UseSetting("Portico:Uploads:Expiration", "01:00:00");
            b.UseSetting("Portico:Uploads:SweepInterval", "30.00:00:00"); // the test sweeps by hand
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
        }));
        using HttpClient client = timed.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PorticoFactory.AdminKey);
        string location = await CreateAsync(client, 100);
        await PatchAsync(client, location, 0, new byte[50]);
        string id = location.Split('/')[^1];
        string uploads = Path.Combine(plain.DataDirectory, "uploads");

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await HeadAsync(client, location)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(2));
        HttpResponseMessage expired = await HeadAsync(client, location);
        HttpResponseMessage patch = await PatchAsync(client, location, 50, new byte[50]);
        int removed = timed.Factory.Services.GetRequiredService<UploadStore>().SweepExpired();

        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, patch.StatusCode);
        Assert.Equal(1, removed);
        Assert.Empty(Directory.EnumerateFiles(uploads, id + ".*"));
        Assert.Equal(HttpStatusCode.NotFound, (await HeadAsync(client, location)).StatusCode);
    }

    private static async Task<long> WaitForOffsetAsync(HttpClient client, string location, long expected)
    {
        // The server notices the broken request a moment after the client gives up.
        long offset = -1;
        for (int i = 0; i < 100 && offset != expected; i++)
        {
            HttpResponseMessage head = await HeadAsync(client, location);
            offset = long.Parse(Header(head, "Upload-Offset"), System.Globalization.CultureInfo.InvariantCulture);
            if (offset != expected)
            {
                await Task.Delay(50, Ct);
            }
        }

        return offset;
    }

    private static async Task<string> CreateAsync(HttpClient client, long length, string? metadata = null)
    {
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (metadata is not null)
        {
            request.Headers.Add("Upload-Metadata", metadata);
        }

        HttpResponseMessage response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, long offset, ReadOnlyMemory<byte> bytes, string? checksum = null)
    {
        using var request = Tus(HttpMethod.Patch, location);
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (checksum is not null)
        {
            request.Headers.Add("Upload-Checksum", checksum);
        }

        request.Content = Body(bytes.ToArray());
        return await client.SendAsync(request, Ct);
    }

    private static async Task<HttpResponseMessage> HeadAsync(HttpClient client, string location)
    {
        using var request = Tus(HttpMethod.Head, location);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<Outcome> OutcomeAsync(HttpClient client, string location) =>
        (await client.GetFromJsonAsync<Outcome>(location + "/outcome?waitSeconds=30", Ct))!;

    private static HttpRequestMessage Tus(HttpMethod method, string location)
    {
        var request = new HttpRequestMessage(method, location);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    private static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(Octets);
        return content;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? string.Join(",", values) : string.Empty;

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("detail").GetString() ?? string.Empty;

    /// <summary>Owns a factory made with WithWebHostBuilder, so it is disposed.</summary>
    private sealed class WebApplicationFactoryOf(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory) : IAsyncDisposable
    {
        public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory { get; } = factory;

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }
}
