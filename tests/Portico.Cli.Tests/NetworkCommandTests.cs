using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Portico.Cli.Commands;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Tests.Scu;
using Xunit;

namespace Portico.Cli.Tests;

/// <summary>`portico echo` and `portico send` against DCMTK storescp.</summary>
public sealed class NetworkCommandTests : IDisposable
{
    private const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "portico-cli-tests", Guid.NewGuid().ToString("N"));

    public NetworkCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Pydicom(string name)
    {
        string path = Path.Combine(PydicomTestFiles, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run scripts/test.sh, which installs python3-pydicom.");
    }

    private static string Port(DcmtkScp scp) => scp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Echo_Storescp_PrintsOkAndExitsZero()
    {
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await EchoCommand.RunAsync(["--aet", "CLITEST", "--aec", "STORESCP", "127.0.0.1", Port(scp)], stdout, stderr, Ct);

        Assert.True(exit == 0, stderr.ToString());
        Assert.StartsWith($"STORESCP at 127.0.0.1:{scp.Port}: echo ok (", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_ClosedPort_SaysConnectionRefusedAndExitsOne()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var stderr = new StringWriter();

        int exit = await EchoCommand.RunAsync(["127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], new StringWriter(), stderr, Ct);

        Assert.Equal(1, exit);
        Assert.Equal($"portico echo: cannot connect to 127.0.0.1:{port}: Connection refused", stderr.ToString().Trim());
    }

    [Fact]
    public async Task Echo_Refused_SaysWhyAndExitsOne()
    {
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "--refuse");
        var stderr = new StringWriter();

        int exit = await EchoCommand.RunAsync(["127.0.0.1", Port(scp)], new StringWriter(), stderr, Ct);

        Assert.Equal(1, exit);
        Assert.StartsWith("portico echo: Association rejected (permanent) by the service user: ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "http")]
    [InlineData("127.0.0.1", "70000")]
    public async Task Echo_BadPort_IsAUsageError(string host, string port)
    {
        var stderr = new StringWriter();

        int exit = await EchoCommand.RunAsync([host, port], new StringWriter(), stderr, Ct);

        Assert.Equal(2, exit);
        Assert.Contains("is not a port number", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_FolderAndZip_EveryInstanceArrivesAndNonDicomIsSkipped()
    {
        string folder = Path.Combine(_dir, "in");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.Copy(Pydicom("CT_small.dcm"), Path.Combine(folder, "ct.dcm"));
        File.Copy(Pydicom("MR_small.dcm"), Path.Combine(folder, "sub", "mr.dcm"));
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not DICOM", Ct);
        string zip = Path.Combine(_dir, "study.zip");
        using (ZipArchive archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(Pydicom("test-SR.dcm"), "study/sr.dcm");
            archive.CreateEntryFromFile(Pydicom("liver_1frame.dcm"), "study/liver");
            archive.CreateEntry("study/readme.txt");
        }
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await SendCommand.RunAsync(["--aec", "STORESCP", "-r", "127.0.0.1", Port(scp), folder, zip], stdout, stderr, Ct);

        Assert.True(exit == 0, stderr.ToString() + scp.Output);
        Assert.Empty(stderr.ToString());
        Assert.Matches(@"^STORESCP at 127\.0\.0\.1:\d+: 4 sent \(0 with warnings\), 0 failed, 2 skipped \(not DICOM\) in ", stdout.ToString());
        foreach (string name in new[] { "CT_small.dcm", "MR_small.dcm", "test-SR.dcm", "liver_1frame.dcm" })
        {
            (Part10Header header, Stream stream) = await Part10Header.OpenAsync(Pydicom(name), Ct);
            await stream.DisposeAsync();
            Assert.True(File.Exists(scp.FileFor(header.SopInstanceUid)));
        }
    }

    [Fact]
    public async Task Send_ZipWithTraversingEntryAndCompressedFileRefused_ReportsEachAndExitsOne()
    {
        string zip = Path.Combine(_dir, "bad.zip");
        using (ZipArchive archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(Pydicom("CT_small.dcm"), "../ct.dcm");
            archive.CreateEntryFromFile(Pydicom("MR_small.dcm"), "ok/mr.dcm");
        }
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct); // uncompressed syntaxes only
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await SendCommand.RunAsync(["127.0.0.1", Port(scp), zip, Pydicom("SC_rgb_jpeg_dcmtk.dcm")], stdout, stderr, Ct);

        Assert.Equal(1, exit);
        string[] errors = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, errors.Length);
        Assert.Equal($"portico send: {zip}!../ct.dcm: refused: path traversal ('..') in the entry name", errors[0]);
        Assert.StartsWith("portico send: " + Pydicom("SC_rgb_jpeg_dcmtk.dcm") + ": refused with status 0x0122: ", errors[1], StringComparison.Ordinal);
        Assert.Contains(": 1 sent (0 with warnings), 2 failed, 0 skipped", stdout.ToString(), StringComparison.Ordinal);
        Assert.Single(scp.Files());
    }

    [Fact]
    public async Task Send_ClosedPort_FailsEveryInstanceWithOneMessage()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await SendCommand.RunAsync(["127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), Pydicom("CT_small.dcm"), Pydicom("MR_small.dcm")], stdout, stderr, Ct);

        Assert.Equal(1, exit);
        Assert.Equal($"portico send: cannot connect to 127.0.0.1:{port}: Connection refused", stderr.ToString().Trim());
        Assert.Contains(": 0 sent (0 with warnings), 2 failed", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_TlsWithClientCertificateAndCa_Arrives()
    {
        using var certificates = new TestCertificates(Path.Combine(_dir, "tls"));
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(
            Ct, "+tls", certificates.ServerKeyPem, certificates.ServerCertificatePem, "-pw", "-rc", "+cf", certificates.AuthorityPem);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await SendCommand.RunAsync(
            ["--ca", certificates.AuthorityPem, "--cert", certificates.ClientCertificatePem, "--key", certificates.ClientKeyPem, "127.0.0.1", Port(scp), Pydicom("CT_small.dcm")],
            stdout, stderr, Ct);

        Assert.True(exit == 0, stderr.ToString() + scp.Output);
        Assert.Contains(": 1 sent (0 with warnings), 0 failed, 0 skipped (not DICOM) in ", stdout.ToString(), StringComparison.Ordinal);
        Assert.EndsWith(", TLS", stdout.ToString().Trim(), StringComparison.Ordinal);
        Assert.Single(scp.Files());
    }

    [Fact]
    public async Task Echo_TlsServerNotTrusted_SaysTheHandshakeFailed()
    {
        using var certificates = new TestCertificates(Path.Combine(_dir, "tls"));
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "+tls", certificates.ServerKeyPem, certificates.ServerCertificatePem, "-pw", "-ic");
        var stderr = new StringWriter();

        int exit = await EchoCommand.RunAsync(["--tls", "127.0.0.1", Port(scp)], new StringWriter(), stderr, Ct);

        Assert.Equal(1, exit);
        Assert.StartsWith($"portico echo: TLS handshake with 127.0.0.1:{scp.Port} failed: ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x.dcm", "path traversal ('..') in the entry name")]
    [InlineData("a/../../x.dcm", "path traversal ('..') in the entry name")]
    [InlineData("/etc/passwd", "absolute path in the entry name")]
    [InlineData("C:/x.dcm", "absolute path in the entry name")]
    [InlineData("a\u0001b", "control characters in the entry name")]
    [InlineData("study/a..b.dcm", null)]
    public void RefuseReason_EntryNames(string name, string? expected) => Assert.Equal(expected, SendInputs.RefuseReason(name));
}
