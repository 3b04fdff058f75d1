using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Portico.Web.Hosting;
using Xunit;

namespace Portico.Web.Tests.Hosting;

public sealed class SocketBufferPoolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_returned_block_is_rented_again()
    {
        using var pool = new SocketBufferPool();
        IMemoryOwner<byte> first = pool.Rent(4096);
        Memory<byte> memory = first.Memory;
        first.Dispose();

        using IMemoryOwner<byte> second = pool.Rent(4096);

        Assert.Equal(SocketBufferPool.BlockSize, memory.Length);
        Assert.True(second.Memory.Span.Overlaps(memory.Span));
        Assert.Equal(1, pool.BlocksAllocated);
    }

    [Fact]
    public void A_block_disposed_twice_goes_back_once()
    {
        using var pool = new SocketBufferPool();
        IMemoryOwner<byte> block = pool.Rent();
        block.Dispose();
        block.Dispose();

        using IMemoryOwner<byte> a = pool.Rent();
        using IMemoryOwner<byte> b = pool.Rent();

        Assert.False(a.Memory.Span.Overlaps(b.Memory.Span));
        Assert.Equal(2, pool.BlocksAllocated);
    }

    [Fact]
    public void More_than_a_block_is_refused()
    {
        using var pool = new SocketBufferPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(SocketBufferPool.BlockSize + 1));
    }

    [Fact]
    public async Task The_server_receives_uploads_into_the_pools_blocks()
    {
        // The server as Program.cs builds it, on a real socket: a 291 KB file from pydicom is several blocks' worth.
        byte[] bytes = TestFiles.WithNewUids("waveform_ecg.dcm", out _, out string sopUid);
        string data = Path.Combine(Path.GetTempPath(), "portico-web-tests", Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--applicationName=Portico.Web", "--urls=http://127.0.0.1:0", $"--Portico:DataDirectory={data}", $"--Portico:Bootstrap:ApiKey={PorticoFactory.AdminKey}",
            "--Portico:Bootstrap:AdminEmail=admin@test.local", "--Portico:Bootstrap:AdminPassword=correct horse battery staple",
            "--Portico:Dicom:Port=0", "--Portico:Dicom:TlsPort=0", "--Portico:Dicom:ListenAddress=127.0.0.1", "--Logging:LogLevel:Default=Warning",
        ];
        try
        {
            await using WebApplication app = PorticoApplication.CreateBuilder(args).Build();
            await app.PrepareAsync();
            app.UsePorticoWeb();
            await app.StartAsync(Ct);
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PorticoFactory.AdminKey);
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");

            HttpResponseMessage response = await client.PostAsync("/api/instances", content, Ct);
            byte[] stored = await client.GetByteArrayAsync($"/api/instances/{sopUid}/file", Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Stored", (await response.Content.ReadFromJsonAsync<Result[]>(Ct))!.Single().Status);
            Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(stored));
            var factory = Assert.IsType<SocketBufferPoolFactory>(app.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
            Assert.Contains(factory.Pools, pool => pool.BlocksAllocated > 0);
            await app.StopAsync(Ct);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed record Result(string Status);
}
