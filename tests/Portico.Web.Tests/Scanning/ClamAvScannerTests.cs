using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portico.Web.Features.Scanning;
using Xunit;

namespace Portico.Web.Tests.Scanning;

/// <summary>The ClamAV client against a real clamd (started by scripts/test.sh with a test signature for EICAR).</summary>
public sealed class ClamAvScannerTests
{
    /// <summary>The EICAR anti-virus test file, assembled here so that this source file is not itself "infected".</summary>
    internal static readonly byte[] Eicar = Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    internal static string ClamdAddress =>
        Environment.GetEnvironmentVariable("PORTICO_TEST_CLAMAV") is { Length: > 0 } address
            ? address
            : throw new InvalidOperationException("PORTICO_TEST_CLAMAV is not set: run scripts/test.sh, which starts clamd (scripts/start-clamd.sh).");

    private static ClamAvScanner Scanner(string address, int chunkBytes = 256 * 1024) =>
        new(Options.Create(new ScanningOptions { ClamAv = address, ChunkBytes = chunkBytes, Timeout = TimeSpan.FromSeconds(60) }), NullLogger<ClamAvScanner>.Instance);

    [Fact]
    public async Task A_clean_file_is_clean()
    {
        ScanResult result = await Scanner(ClamdAddress).ScanAsync(new MemoryStream(Encoding.ASCII.GetBytes("an ordinary report")), TestContext.Current.CancellationToken);

        Assert.Equal(ScanVerdict.Clean, result.Verdict);
    }

    [Fact]
    public async Task EICAR_is_found_and_named()
    {
        ScanResult result = await Scanner(ClamdAddress).ScanAsync(new MemoryStream(Eicar), TestContext.Current.CancellationToken);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
        Assert.StartsWith("Portico.Test.EICAR", result.Signature, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EICAR_across_a_chunk_boundary_inside_a_larger_file_is_found()
    {
        byte[] content = new byte[10_000];
        Random.Shared.NextBytes(content);
        Eicar.CopyTo(content, 1000);

        ScanResult result = await Scanner(ClamdAddress, chunkBytes: 1024).ScanAsync(new MemoryStream(content), TestContext.Current.CancellationToken);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
    }

    [Fact]
    public async Task EICAR_inside_a_zip_is_found()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using Stream entry = await archive.CreateEntry("folder/readme.com", CompressionLevel.Optimal).OpenAsync(TestContext.Current.CancellationToken);
            await entry.WriteAsync(Eicar, TestContext.Current.CancellationToken);
        }

        zip.Position = 0;
        ScanResult result = await Scanner(ClamdAddress).ScanAsync(zip, TestContext.Current.CancellationToken);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
    }

    [Fact]
    public async Task The_unix_socket_works_as_well_as_tcp()
    {
        string socket = Path.Combine(Environment.GetEnvironmentVariable("PORTICO_CLAMD_DIR") is { Length: > 0 } d ? d : "/tmp/portico-clamd", "clamd.sock");
        Assert.True(File.Exists(socket), $"{socket} is missing: scripts/start-clamd.sh creates it.");

        ScanResult result = await Scanner("unix://" + socket).ScanAsync(new MemoryStream(Eicar), TestContext.Current.CancellationToken);

        Assert.Equal(ScanVerdict.Infected, result.Verdict);
    }

    [Fact]
    public async Task A_scanner_that_is_down_makes_the_result_unavailable_never_clean()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        ScanResult result = await Scanner($"tcp://127.0.0.1:{closedPort}").ScanAsync(new MemoryStream(Eicar), TestContext.Current.CancellationToken);

        Assert.Equal(ScanVerdict.Unavailable, result.Verdict);
        Assert.Equal("The malware scanner cannot be reached.", result.Detail);
    }

    [Fact]
    public async Task A_stream_over_clamds_size_limit_is_unavailable_with_its_reason_not_clean()
    {
        // scripts/start-clamd.sh sets StreamMaxLength 64M; the stream is produced as it is read, never held.
        await using var big = new PatternStream(70L * 1024 * 1024);

        ScanResult result = await Scanner(ClamdAddress).ScanAsync(big, TestContext.Current.CancellationToken);

        Assert.Equal(ScanVerdict.Unavailable, result.Verdict);
        Assert.Contains("size limit", result.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("stream: OK\0", ScanVerdict.Clean, null)]
    [InlineData("stream: Win.Test.EICAR_HDB-1 FOUND\0", ScanVerdict.Infected, "Win.Test.EICAR_HDB-1")]
    [InlineData("INSTREAM size limit exceeded. ERROR\0", ScanVerdict.Unavailable, null)]
    [InlineData("", ScanVerdict.Unavailable, null)]
    public void Replies_are_read_as_clamd_writes_them(string reply, ScanVerdict verdict, string? signature)
    {
        ScanResult result = ClamAvScanner.Interpret(reply);

        Assert.Equal(verdict, result.Verdict);
        Assert.Equal(signature, result.Signature);
    }

    /// <summary>A long read-only stream of a repeating pattern, made as it is read.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - _position);
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] = (byte)((_position + i) % 251);
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
