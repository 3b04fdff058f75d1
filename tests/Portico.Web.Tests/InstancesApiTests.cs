using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Xunit;

namespace Portico.Web.Tests;

public sealed class InstancesApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private sealed record Result(string File, string? SopInstanceUid, string? StudyInstanceUid, string Status, string? Reason);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_NewFile_IsStoredAndIndexed()
    {
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out string studyUid, out string sopUid);

        Result[] results = await UploadDicomAsync(bytes);

        Result r = Assert.Single(results);
        Assert.Equal("Stored", r.Status);
        Assert.Equal(sopUid, r.SopInstanceUid);
        Assert.Equal(studyUid, r.StudyInstanceUid);
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var instance = await db.Instances.Include(i => i.Series).ThenInclude(s => s.Study).SingleAsync(i => i.SopInstanceUid == sopUid, Ct);
        Assert.Equal(studyUid, instance.Series.Study.StudyInstanceUid);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), instance.Sha256);
        Assert.Equal(bytes.Length, instance.SizeBytes);
    }

    [Fact]
    public async Task Upload_SameFileTwice_IsDuplicate()
    {
        byte[] bytes = TestFiles.WithNewUids("MR_small.dcm", out _, out _);
        await UploadDicomAsync(bytes);

        Result r = Assert.Single(await UploadDicomAsync(bytes));

        Assert.Equal("Duplicate", r.Status);
    }

    [Fact]
    public async Task Upload_SameUidDifferentContent_IsConflictAndKeepsTheStoredOne()
    {
        byte[] first = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopUid);
        await UploadDicomAsync(first);
        byte[] second = (byte[])first.Clone();
        second[^1] ^= 0xFF; // a different pixel byte, same UIDs

        Result r = Assert.Single(await UploadDicomAsync(second));

        Assert.Equal("Conflict", r.Status);
        Assert.Contains("stored one was kept", r.Reason, StringComparison.Ordinal);
        using HttpClient client = factory.Admin();
        byte[] stored = await client.GetByteArrayAsync($"/api/instances/{sopUid}/file", Ct);
        Assert.Equal(first, stored);
    }

    [Fact]
    public async Task Upload_NotDicom_IsRejectedWithReason()
    {
        Result r = Assert.Single(await UploadDicomAsync("hello, not DICOM"u8.ToArray()));

        Assert.Equal("Rejected", r.Status);
        Assert.StartsWith("The file is not valid DICOM", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_ExecutablePreamble_IsRejected()
    {
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out _);
        bytes[0] = (byte)'M';
        bytes[1] = (byte)'Z';

        Result r = Assert.Single(await UploadDicomAsync(bytes));

        Assert.Equal("Rejected", r.Status);
        Assert.Contains("CVE-2019-11687", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_ZipWithTraversalAndNonDicom_StoresDicomAndReportsTheRest()
    {
        byte[] a = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopA);
        byte[] b = TestFiles.WithNewUids("MR_small.dcm", out _, out string sopB);
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await Add(archive, "study/a.dcm", a);
            await Add(archive, "study/sub/b.dcm", b);
            await Add(archive, "notes.txt", "text"u8.ToArray());
            await Add(archive, "DICOMDIR", a);
        }

        using HttpClient client = factory.Admin();
        var content = new ByteArrayContent(zip.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        Result[] results = await Read(await client.PostAsync("/api/instances", content, Ct));

        Assert.Equal("Stored", results.Single(r => r.File == "study/a.dcm").Status);
        Assert.Equal(sopA, results.Single(r => r.File == "study/a.dcm").SopInstanceUid);
        Assert.Equal(sopB, results.Single(r => r.File == "study/sub/b.dcm").SopInstanceUid);
        Assert.Equal("Skipped", results.Single(r => r.File == "notes.txt").Status);
        Assert.Equal("Skipped", results.Single(r => r.File == "DICOMDIR").Status);
    }

    [Fact]
    public async Task Upload_Multipart_StoresEachFile()
    {
        byte[] a = TestFiles.WithNewUids("CT_small.dcm", out _, out _);
        byte[] b = TestFiles.WithNewUids("rtplan.dcm", out _, out _);
        using HttpClient client = factory.Admin();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(a), "files", "a.dcm" },
            { new ByteArrayContent(b), "files", "b.dcm" },
        };

        Result[] results = await Read(await client.PostAsync("/api/instances", form, Ct));

        Assert.Equal(["a.dcm", "b.dcm"], results.Select(r => r.File));
        Assert.All(results, r => Assert.Equal("Stored", r.Status));
    }

    [Fact]
    public async Task Upload_WrongMediaType_Is415ProblemDetails()
    {
        using HttpClient client = factory.Admin();
        HttpResponseMessage response = await client.PostAsync("/api/instances", new StringContent("x", System.Text.Encoding.UTF8, "text/plain"), Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Lookup_ReturnsOnlyStoredUids()
    {
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopUid);
        await UploadDicomAsync(bytes);
        using HttpClient client = factory.Admin();

        HttpResponseMessage response = await client.PostAsJsonAsync("/api/instances/lookup", new { sopInstanceUids = new[] { sopUid, "1.2.3.999" } }, Ct);

        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal([sopUid], json.RootElement.GetProperty("stored").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task GetInstance_ReturnsDicomJson()
    {
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopUid);
        await UploadDicomAsync(bytes);
        using HttpClient client = factory.Admin();

        using JsonDocument json = JsonDocument.Parse(await client.GetStringAsync($"/api/instances/{sopUid}", Ct));

        Assert.Equal(sopUid, json.RootElement.GetProperty("00080018").GetProperty("Value")[0].GetString());
    }

    private async Task<Result[]> UploadDicomAsync(byte[] bytes) => await Read(await factory.PostDicomAsync(bytes));

    private static async Task<Result[]> Read(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Result[]>(Ct))!;
    }

    private static async Task Add(ZipArchive archive, string name, byte[] bytes)
    {
        await using Stream s = await archive.CreateEntry(name).OpenAsync(Ct);
        await s.WriteAsync(bytes, Ct);
    }
}
