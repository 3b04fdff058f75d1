using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;
using Portico.Tests.Shared;
using Portico.Web.Features.DicomNetwork;
using Xunit;
using static Portico.Web.Tests.DicomNetwork.ExternalTool;

namespace Portico.Web.Tests.DicomNetwork;

/// <summary>A server with short timers for the TLS, refusal and hostile-input cases.</summary>
public sealed class ShortTimersServer : IAsyncLifetime
{
    public PorticoFactory Factory { get; } = new()
    {
        Settings = new Dictionary<string, string>
        {
            ["Portico:Dicom:IdleTimeout"] = "00:00:02",
            ["Portico:Dicom:ArtimTimeout"] = "00:00:02",
        },
    };

    public async ValueTask InitializeAsync() => await Factory.InitializeAsync();

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>
/// DICOM TLS with DCMTK storescu (client certificate issued by Portico, anonymous TLS, the wrong certificate), the
/// address rule, and hostile peers on raw sockets: garbage, oversized and truncated PDUs, an abort in the middle of a
/// C-STORE, a silent association, 50 associations at once. Each refusal is checked in the association log.
/// </summary>
public sealed class DicomSecurityTests(ShortTimersServer server) : IClassFixture<ShortTimersServer>
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PorticoFactory Factory => server.Factory;

    private DicomListener Listener => Factory.Services.GetRequiredService<DicomListener>();

    private int Port => Listener.Port ?? throw new InvalidOperationException("The plain DICOM port is not listening.");

    private int TlsPort => Listener.TlsPort ?? throw new InvalidOperationException("The DICOM TLS port is not listening.");

    private static string NewAETitle(string prefix) => (prefix + Guid.NewGuid().ToString("N")).ToUpperInvariant()[..16];

    private static string TempDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "portico-dicom-security", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    private async Task<string> CreateIdentityAsync(string aeTitle, bool allowAnonymousTls = false, string[]? allowedAddresses = null)
    {
        using HttpClient client = Factory.Admin();
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/dicom-identities", new
        {
            name = "Security " + aeTitle,
            aeTitle,
            allowAnonymousTls,
            allowedOperations = new[] { "C-ECHO", "C-STORE" },
            allowedAddresses,
        }, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Issues the identity's client certificate and writes key, certificate and Portico's CA as PEM files.</summary>
    private async Task<(string Key, string Certificate, string Ca)> IssueCertificateAsync(string identityId)
    {
        using HttpClient client = Factory.Admin();
        using HttpResponseMessage response = await client.PostAsync($"/api/dicom-identities/{identityId}/client-certificate", null, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        JsonElement issued = JsonDocument.Parse(body).RootElement;
        string directory = TempDirectory();
        string key = Path.Combine(directory, "key.pem");
        string certificate = Path.Combine(directory, "cert.pem");
        await File.WriteAllTextAsync(key, issued.GetProperty("privateKeyPem").GetString(), Ct);
        await File.WriteAllTextAsync(certificate, issued.GetProperty("certificatePem").GetString(), Ct);
        return (key, certificate, await CaFileAsync());
    }

    private async Task<string> CaFileAsync()
    {
        using HttpClient anonymous = Factory.CreateClient();
        string pem = await anonymous.GetStringAsync("/api/dicom/ca.pem", Ct);
        string path = Path.Combine(TempDirectory(), "ca.pem");
        await File.WriteAllTextAsync(path, pem, Ct);
        return path;
    }

    private static string Sample(out string studyUid)
    {
        byte[] bytes = DicomSamples.WithNewUids("CT_small.dcm", out studyUid, out _);
        string path = Path.Combine(TempDirectory(), "CT_small.dcm");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Whether the study gets indexed: the row follows the C-STORE answer within milliseconds, so this polls briefly.</summary>
    private async Task<bool> StudyIndexedAsync(string studyUid)
    {
        for (int i = 0; i < 100; i++)
        {
            if (await StudyExistsAsync(studyUid))
            {
                return true;
            }

            await Task.Delay(50, Ct);
        }

        return false;
    }

    private async Task<bool> StudyExistsAsync(string studyUid)
    {
        using HttpClient client = Factory.Admin();
        using HttpResponseMessage response = await client.GetAsync($"/api/studies/{studyUid}", Ct);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>The newest association log row of a calling AE title (or of any caller with null), waiting for the background writer.</summary>
    private async Task<JsonElement> LastAssociationAsync(string? callingAE, Func<JsonElement, bool>? where = null)
    {
        using HttpClient client = Factory.Admin();
        string query = callingAE is null ? "/api/dicom/associations?pageSize=50" : $"/api/dicom/associations?callingAeTitle={callingAE}";
        for (int i = 0; i < 200; i++)
        {
            using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync(query, Ct));
            foreach (JsonElement row in page.RootElement.GetProperty("items").EnumerateArray())
            {
                if (where is null || where(row))
                {
                    return row.Clone();
                }
            }

            await Task.Delay(50, Ct);
        }

        throw new InvalidOperationException($"No association was recorded for '{callingAE}'.");
    }

    private Task<(int ExitCode, string Output)> TlsStoreScuAsync(string callingAE, string path, params string[] tls) =>
        RunAsync("storescu", [.. tls, "-aet", callingAE, "-aec", "PORTICO", "127.0.0.1", TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), path], Ct);

    [Fact]
    public async Task TlsStoreScu_ClientCertificateOfTheIdentity_IsStored()
    {
        string ae = NewAETitle("TLSCERT");
        string id = await CreateIdentityAsync(ae);
        (string key, string certificate, string ca) = await IssueCertificateAsync(id);
        string path = Sample(out string studyUid);

        (int exit, string output) = await TlsStoreScuAsync(ae, path, "+tls", key, certificate, "-pw", "+cf", ca);

        Assert.True(exit == 0, output);
        Assert.True(await StudyIndexedAsync(studyUid));
        JsonElement row = await LastAssociationAsync(ae);
        Assert.True(row.GetProperty("accepted").GetBoolean());
        Assert.Equal("TlsClientCertificate", row.GetProperty("tlsMode").GetString());
        Assert.Equal(1, row.GetProperty("storeCount").GetInt32());
    }

    [Fact]
    public async Task TlsStoreScu_AnonymousTlsAllowed_IsStored()
    {
        string ae = NewAETitle("TLSANON");
        await CreateIdentityAsync(ae, allowAnonymousTls: true);
        string path = Sample(out string studyUid);

        (int exit, string output) = await TlsStoreScuAsync(ae, path, "+tla", "+cf", await CaFileAsync());

        Assert.True(exit == 0, output);
        Assert.True(await StudyIndexedAsync(studyUid));
        Assert.Equal("TlsAnonymous", (await LastAssociationAsync(ae)).GetProperty("tlsMode").GetString());
    }

    [Fact]
    public async Task TlsStoreScu_NoCertificateWhenAnonymousTlsIsOff_IsRefusedWithTheReason()
    {
        string ae = NewAETitle("TLSNOCERT");
        await CreateIdentityAsync(ae, allowAnonymousTls: false);
        string path = Sample(out string studyUid);

        (int exit, string output) = await TlsStoreScuAsync(ae, path, "+tla", "+cf", await CaFileAsync());

        Assert.NotEqual(0, exit);
        Assert.False(await StudyExistsAsync(studyUid));
        JsonElement row = await LastAssociationAsync(ae);
        Assert.False(row.GetProperty("accepted").GetBoolean(), output);
        Assert.Contains("client certificate is required", row.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsStoreScu_AnotherIdentitysCertificate_IsRefusedWithTheReason()
    {
        string owner = NewAETitle("TLSOWNER");
        string ownerId = await CreateIdentityAsync(owner);
        string borrower = NewAETitle("TLSBORROW");
        await CreateIdentityAsync(borrower);
        (string key, string certificate, string ca) = await IssueCertificateAsync(ownerId);
        string path = Sample(out string studyUid);

        (int exit, string output) = await TlsStoreScuAsync(borrower, path, "+tls", key, certificate, "-pw", "+cf", ca);

        Assert.NotEqual(0, exit);
        Assert.False(await StudyExistsAsync(studyUid));
        JsonElement row = await LastAssociationAsync(borrower);
        Assert.False(row.GetProperty("accepted").GetBoolean(), output);
        Assert.Contains("issued for another identity", row.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsStoreScu_CertificateNotFromPorticosCa_FailsTheHandshakeAndIsRecorded()
    {
        string ae = NewAETitle("TLSSELF");
        await CreateIdentityAsync(ae);
        string directory = TempDirectory();
        using (ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=" + ae, key, HashAlgorithmName.SHA256);
            using X509Certificate2 selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllTextAsync(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem(), Ct);
            await File.WriteAllTextAsync(Path.Combine(directory, "cert.pem"), selfSigned.ExportCertificatePem(), Ct);
        }

        string path = Sample(out string studyUid);
        (int exit, string output) = await TlsStoreScuAsync(ae, path,
            "+tls", Path.Combine(directory, "key.pem"), Path.Combine(directory, "cert.pem"), "-pw", "+cf", await CaFileAsync());

        Assert.NotEqual(0, exit);
        Assert.False(await StudyExistsAsync(studyUid));
        JsonElement row = await LastAssociationAsync(null, r => r.GetProperty("outcome").GetString() == "TlsFailed"
            && r.GetProperty("reason").GetString()?.Contains(ae, StringComparison.Ordinal) == true);
        Assert.Contains("not issued by Portico's DICOM CA", row.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(output.Length > 0);
    }

    [Fact]
    public async Task StoreScu_AddressNotAllowed_IsRefusedWithTheReason()
    {
        string ae = NewAETitle("ADDR");
        await CreateIdentityAsync(ae, allowedAddresses: ["10.9.8.7", "192.168.0.0/16"]);
        string path = Sample(out string studyUid);

        (int exit, string output) = await RunAsync("storescu", ["-aet", ae, "-aec", "PORTICO", "127.0.0.1", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), path], Ct);

        Assert.NotEqual(0, exit);
        Assert.False(await StudyExistsAsync(studyUid));
        JsonElement row = await LastAssociationAsync(ae);
        Assert.True(row.GetProperty("rejectResult").GetString() == "RejectedPermanent", output);
        Assert.Contains("may not call from 127.0.0.1", row.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EchoScu_PlainClientOnTheTlsPort_IsRecordedAndTheServerCarriesOn()
    {
        string ae = NewAETitle("PLAINTLS");
        await CreateIdentityAsync(ae);

        (int exit, _) = await RunAsync("echoscu", ["-to", "5", "-aet", ae, "-aec", "PORTICO", "127.0.0.1", TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)], Ct);
        (int plainExit, string plainOutput) = await RunAsync("echoscu", ["-aet", ae, "-aec", "PORTICO", "127.0.0.1", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], Ct);

        Assert.NotEqual(0, exit);
        Assert.True(plainExit == 0, plainOutput);
        await LastAssociationAsync(null, r => r.GetProperty("outcome").GetString() == "TlsFailed");
    }

    [Fact]
    public async Task GarbageBytes_ConnectionIsClosedAndNoSlotIsLeaked()
    {
        using var socket = await ConnectAsync(Port);
        byte[] garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        garbage[0] = 0x09; // not a PDU type
        await socket.SendAsync(garbage, SocketFlags.None, Ct);

        byte[] answer = await ReadUntilClosedAsync(socket);

        Assert.True(answer.Length == 0 || answer[0] == (byte)PduType.Abort, $"unexpected answer starting 0x{answer[0]:X2}");
        await AssertNoAssociationLeftAsync();
    }

    [Fact]
    public async Task PduLengthBeyondTheLimit_IsAbortedBeforeAnythingIsAllocated()
    {
        string ae = NewAETitle("BIGPDU");
        await CreateIdentityAsync(ae);
        using Socket socket = await ConnectAsync(Port);
        await AssociateAsync(socket, ae);
        // A P-DATA-TF announcing 4 GB - 1.
        await socket.SendAsync(new byte[] { 0x04, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00 }, SocketFlags.None, Ct);

        byte[] answer = await ReadUntilClosedAsync(socket);

        Assert.Equal((byte)PduType.Abort, answer[0]);
        JsonElement row = await LastAssociationAsync(ae);
        Assert.Equal("AbortedByServer", row.GetProperty("outcome").GetString());
        await AssertNoAssociationLeftAsync();
    }

    [Fact]
    public async Task TruncatedAssociateRequest_IsClosedAfterArtimAndNoSlotIsLeaked()
    {
        using Socket socket = await ConnectAsync(Port);
        // A-ASSOCIATE-RQ header announcing 300 bytes, then only 20 of them.
        await socket.SendAsync(new byte[] { 0x01, 0x00, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x01, 0x00, 0x00 }, SocketFlags.None, Ct);
        await socket.SendAsync(new byte[10], SocketFlags.None, Ct);

        byte[] answer = await ReadUntilClosedAsync(socket);

        Assert.True(answer.Length == 0 || answer[0] == (byte)PduType.Abort);
        await AssertNoAssociationLeftAsync();
    }

    [Fact]
    public async Task AbortInTheMiddleOfACStore_StoresNothingAndLeavesNoTempFile()
    {
        string ae = NewAETitle("ABORTMID");
        await CreateIdentityAsync(ae);
        byte[] file = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out string sopUid);
        using Socket socket = await ConnectAsync(Port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await AssociateAsync(socket, ae, CtImageStorage);
        byte[] dataSet;
        using (var input = new MemoryStream(file))
        {
            Part10Header header = await Part10Header.ReadAsync(input, Ct);
            Assert.Equal(ExplicitVRLittleEndian, header.TransferSyntaxUid);
            dataSet = file[(int)header.Length..];
        }

        var writer = new PduWriter(stream);
        byte[] command = StoreMessages.CreateRequest(1, CtImageStorage, sopUid).Encode();
        await writer.WriteAsync(new PDataTfPdu([new PresentationDataValue(1, true, true, command)]), Ct);
        await writer.WriteAsync(new PDataTfPdu([new PresentationDataValue(1, false, false, dataSet.AsMemory(0, dataSet.Length / 2))]), Ct);
        await writer.WriteAsync(new AbortPdu(Portico.Dicom.Network.AbortSource.ServiceUser, Portico.Dicom.Network.AbortReason.NotSpecified), Ct);
        await ReadUntilClosedAsync(socket);

        JsonElement row = await LastAssociationAsync(ae);
        Assert.Equal("AbortedByPeer", row.GetProperty("outcome").GetString());
        Assert.False(await StudyExistsAsync(studyUid));
        string[] leftovers = Directory.EnumerateFiles(Factory.DataDirectory, "cstore-*", SearchOption.AllDirectories).ToArray();
        Assert.Empty(leftovers);
        await AssertNoAssociationLeftAsync();
    }

    [Fact]
    public async Task SilentAssociation_IsAbortedAfterTheIdleTimeout()
    {
        string ae = NewAETitle("IDLE");
        await CreateIdentityAsync(ae);
        using Socket socket = await ConnectAsync(Port);
        await AssociateAsync(socket, ae);

        byte[] answer = await ReadUntilClosedAsync(socket, TimeSpan.FromSeconds(30));

        Assert.Equal((byte)PduType.Abort, answer[0]);
        JsonElement row = await LastAssociationAsync(ae);
        Assert.Equal("IdleTimeout", row.GetProperty("outcome").GetString());
        await AssertNoAssociationLeftAsync();
    }

    [Fact]
    public async Task FiftyConcurrentAssociations_AreAllServed()
    {
        string ae = NewAETitle("FIFTY");
        await CreateIdentityAsync(ae);
        var studies = new List<string>();
        var runs = new List<Task<(int ExitCode, string Output)>>();
        for (int i = 0; i < 50; i++)
        {
            string path = Sample(out string studyUid);
            studies.Add(studyUid);
            runs.Add(RunAsync("storescu", ["-aet", ae, "-aec", "PORTICO", "127.0.0.1", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), path], Ct,
                TimeSpan.FromMinutes(3)));
        }

        (int ExitCode, string Output)[] results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        foreach (string studyUid in studies)
        {
            Assert.True(await StudyIndexedAsync(studyUid), studyUid);
        }

        await AssertNoAssociationLeftAsync();
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, Ct);
        return socket;
    }

    /// <summary>Sends an A-ASSOCIATE-RQ (Verification, plus <paramref name="storageSopClass"/> if given, as context 1) and expects the AC.</summary>
    private static async Task AssociateAsync(Socket socket, string callingAE, string? storageSopClass = null)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        List<PresentationContextRequest> contexts = [];
        if (storageSopClass is not null)
        {
            contexts.Add(new PresentationContextRequest(1, storageSopClass, [ExplicitVRLittleEndian]));
        }

        contexts.Add(new PresentationContextRequest(3, EchoMessages.VerificationSopClassUid, [ExplicitVRLittleEndian]));
        var request = new AssociateRequestPdu("PORTICO", callingAE, contexts, new UserInformation
        {
            MaxPduLength = 16384,
            ImplementationClassUid = "1.2.3.4.5.6",
        });
        await new PduWriter(stream).WriteAsync(request, Ct);
        using var reader = new PduReader(stream);
        Pdu? answer = await reader.ReadAsync(Ct);
        Assert.IsType<AssociateAcceptPdu>(answer);
    }

    /// <summary>Everything the server sends until it closes the connection (or the time runs out).</summary>
    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket, TimeSpan? within = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(within ?? TimeSpan.FromSeconds(15));
        using var received = new MemoryStream();
        byte[] buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset after the abort: closed all the same.
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            throw new TimeoutException("The server did not close the connection.");
        }

        return received.ToArray();
    }

    private async Task AssertNoAssociationLeftAsync()
    {
        for (int i = 0; i < 200 && Listener.ActiveAssociations > 0; i++)
        {
            await Task.Delay(25, Ct);
        }

        Assert.Equal(0, Listener.ActiveAssociations);
    }
}
