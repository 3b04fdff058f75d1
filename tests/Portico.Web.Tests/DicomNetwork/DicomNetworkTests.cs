using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Tests.Shared;
using Portico.Web.Features.DicomNetwork;
using Portico.Web.Features.Transfers;
using Portico.Web.Tests.Review;
using Xunit;
using static Portico.Web.Tests.DicomNetwork.ExternalTool;

namespace Portico.Web.Tests.DicomNetwork;

/// <summary>
/// The DICOM network of the real server against real peers: DCMTK storescu, findscu, movescu, getscu and storescp, and
/// Orthanc as SCU and as destination (all installed by scripts/test.sh). Each test registers its own identities with
/// AE titles of its own, so tests share one server without depending on each other. Index rows of answered C-STOREs are
/// gathered for ten minutes in the test server (PorticoFactory): every look-up right after a C-STORE relies on the
/// read-your-writes barrier.
/// </summary>
public sealed class DicomNetworkTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int Port => factory.Services.GetRequiredService<DicomListener>().Port ?? throw new InvalidOperationException("The DICOM port is not listening.");

    private static string NewAETitle(string prefix) => (prefix + Guid.NewGuid().ToString("N")).ToUpperInvariant()[..16];

    private async Task<JsonElement> CreateIdentityAsync(string aeTitle, string[] operations, int? port = null, bool enabled = true)
    {
        using HttpClient client = factory.Admin();
        using HttpResponseMessage response = await client.PostAsJsonAsync("/api/dicom-identities", new
        {
            name = "Test " + aeTitle,
            aeTitle,
            enabled,
            allowedOperations = operations,
            host = port is null ? null : "127.0.0.1",
            port,
        }, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string WriteSample(string name, out string studyUid, out string sopUid)
    {
        byte[] bytes = DicomSamples.WithNewUids(name, out studyUid, out sopUid);
        string directory = Path.Combine(Path.GetTempPath(), "portico-dimse-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private Task<(int ExitCode, string Output)> StoreScuAsync(string callingAE, string path, params string[] extra) =>
        RunAsync("storescu", [.. extra, "-aet", callingAE, "-aec", "PORTICO", "127.0.0.1", Text(Port), path], Ct);

    /// <summary>
    /// The study as the API shows it right after the C-STORE was answered. The answer comes once the file is durable and
    /// the index row follows (Portico:Ingest:AnswerAfterIndexCommit), but an API request waits for the rows of answered
    /// instances (read-your-writes), so no polling: a study missing here is a failure.
    /// </summary>
    private Task<JsonElement?> StoredStudyAsync(string studyUid) => StudyAsync(studyUid);

    private async Task<JsonElement?> StudyAsync(string studyUid)
    {
        using HttpClient client = factory.Admin();
        using HttpResponseMessage response = await client.GetAsync($"/api/studies/{studyUid}", Ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    private async Task<JsonElement[]> RefusedAsync(string callingAE)
    {
        using HttpClient client = factory.Admin();
        // The association log is written in the background: wait for the row, never for a fixed time.
        for (int i = 0; i < 100; i++)
        {
            using JsonDocument page = JsonDocument.Parse(await client.GetStringAsync($"/api/dicom/associations?result=refused&callingAeTitle={callingAE}", Ct));
            JsonElement items = page.RootElement.ValueKind == JsonValueKind.Array ? page.RootElement : page.RootElement.GetProperty("items");
            JsonElement[] rows = [.. items.EnumerateArray().Select(e => e.Clone())];
            if (rows.Length > 0)
            {
                return rows;
            }

            await Task.Delay(50, Ct);
        }

        return [];
    }

    [Fact]
    public async Task StoreScu_RegisteredIdentity_IsStoredWithTheIdentityAsSource()
    {
        string ae = NewAETitle("EPIQ");
        await CreateIdentityAsync(ae, ["C-ECHO", "C-STORE"]);
        string path = WriteSample("CT_small.dcm", out string studyUid, out _);

        (int exit, string output) = await StoreScuAsync(ae, path);

        Assert.True(exit == 0, output);
        JsonElement study = await StoredStudyAsync(studyUid) ?? throw new InvalidOperationException("The study was not indexed.");
        Assert.Equal(1, study.GetProperty("numberOfInstances").GetInt32());
        JsonElement source = study.GetProperty("sources")[0];
        Assert.Equal("DicomIdentity", source.GetProperty("kind").GetString());
        Assert.Equal("Test " + ae, source.GetProperty("name").GetString());
    }

    [Fact]
    public async Task StoreScu_CompressedAndBigEndianFiles_AreStoredAsReceived()
    {
        string ae = NewAETitle("CT");
        await CreateIdentityAsync(ae, ["C-STORE"]);
        // storescu proposes only uncompressed syntaxes unless told: -xw JPEG 2000, -xb big endian, -xr RLE; -R proposes the file's SOP class only.
        foreach ((string name, string propose) in new[] { ("JPEG2000.dcm", "-xw"), ("MR_small_bigendian.dcm", "-xb"), ("MR_small_RLE.dcm", "-xr") })
        {
            string path = WriteSample(name, out string studyUid, out string sopUid);

            (int exit, string output) = await StoreScuAsync(ae, path, "-R", propose);

            Assert.True(exit == 0, name + ": " + output);
            Assert.NotNull(await StoredStudyAsync(studyUid));
            using HttpClient client = factory.Admin();
            byte[] stored = await client.GetByteArrayAsync($"/api/instances/{sopUid}/file", Ct);
            // The data set after the meta group is byte for byte what storescu sent (it sends the file's own data set).
            (int dumpExit, string dump) = await RunAsync("dcmdump", ["-q", "+P", "0008,0018", path], Ct);
            Assert.True(dumpExit == 0, dump);
            string storedPath = path + ".stored";
            await File.WriteAllBytesAsync(storedPath, stored, Ct);
            (int storedExit, string storedDump) = await RunAsync("dcmdump", ["-q", storedPath], Ct);
            Assert.True(storedExit == 0, storedDump);
            (int _, string originalDump) = await RunAsync("dcmdump", ["-q", path], Ct);
            Assert.Equal(DataSetLines(originalDump), DataSetLines(storedDump));
            Assert.NotNull(await StoredStudyAsync(studyUid));
        }
    }

    /// <summary>
    /// dcmdump lines of the data set. Group 0002 differs (Portico names itself and the sender), and storescu sends
    /// sequences and items with explicit lengths whatever the file has, so their headers and delimiters are left out;
    /// every element value, nested ones included, is compared. storescu also drops Data Set Trailing Padding (FFFC,FFFC).
    /// </summary>
    private static string[] DataSetLines(string dump) =>
        [.. dump.Split('\n').Select(l => l.TrimStart()).Where(l => l.StartsWith('(')
            && !l.StartsWith("(0002", StringComparison.Ordinal)
            && !l.StartsWith("(fffe,", StringComparison.Ordinal)
            && !l.StartsWith("(fffc,fffc)", StringComparison.Ordinal)
            && !l.Contains(" SQ (Sequence", StringComparison.Ordinal))];

    [Fact]
    public async Task StoreScu_UnknownCallingAE_IsRefusedAndRecordedWithTheReason()
    {
        string ae = NewAETitle("NOBODY");
        string path = WriteSample("CT_small.dcm", out string studyUid, out _);

        (int exit, string output) = await StoreScuAsync(ae, path);

        Assert.NotEqual(0, exit);
        Assert.Contains("Calling AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);
        Assert.Null(await StudyAsync(studyUid));
        JsonElement[] refused = await RefusedAsync(ae);
        Assert.NotEmpty(refused);
        Assert.Contains("not registered", refused[0].ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StoreScu_DisabledIdentity_IsRefused()
    {
        string ae = NewAETitle("OFF");
        await CreateIdentityAsync(ae, ["C-STORE"], enabled: false);
        string path = WriteSample("CT_small.dcm", out string studyUid, out _);

        (int exit, string output) = await StoreScuAsync(ae, path);

        Assert.NotEqual(0, exit);
        Assert.Null(await StudyAsync(studyUid));
        JsonElement[] refused = await RefusedAsync(ae);
        Assert.Contains("disabled", refused[0].ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Calling AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StoreScu_OperationNotAllowed_ContextIsRefusedAndNothingStored()
    {
        string ae = NewAETitle("ECHOONLY");
        await CreateIdentityAsync(ae, ["C-ECHO"]);
        string path = WriteSample("CT_small.dcm", out string studyUid, out _);

        (int exit, string output) = await StoreScuAsync(ae, path);

        Assert.NotEqual(0, exit);
        Assert.Null(await StudyAsync(studyUid));
        (int echoExit, string echoOutput) = await RunAsync("echoscu", ["-aet", ae, "-aec", "PORTICO", "127.0.0.1", Text(Port)], Ct);
        Assert.True(echoExit == 0, echoOutput + output);
    }

    [Fact]
    public async Task EchoScu_WrongCalledAE_IsRefused()
    {
        string ae = NewAETitle("ECHO");
        await CreateIdentityAsync(ae, ["C-ECHO"]);

        (int exit, string output) = await RunAsync("echoscu", ["-aet", ae, "-aec", "NOTPORTICO", "127.0.0.1", Text(Port)], Ct);

        Assert.NotEqual(0, exit);
        Assert.Contains("Called AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FindScu_StudyAndSeriesLevels_ReturnTheStoredStudy()
    {
        string ae = NewAETitle("FIND");
        await CreateIdentityAsync(ae, ["C-STORE", "C-FIND"]);
        string path = WriteSample("CT_small.dcm", out string studyUid, out _);
        Assert.Equal(0, (await StoreScuAsync(ae, path)).ExitCode);

        // Straight after the C-STORE: the C-FIND waits for the answered instance's index row.
        (int exit, string output) = await RunAsync("findscu", ["-S", "-aet", ae, "-aec", "PORTICO",
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={studyUid}", "-k", "PatientID", "-k", "ModalitiesInStudy", "-k", "NumberOfStudyRelatedInstances",
            "127.0.0.1", Text(Port)], Ct);

        Assert.True(exit == 0, output);
        Assert.Contains(studyUid, output, StringComparison.Ordinal);
        Assert.Contains("1CT1", output, StringComparison.Ordinal);
        Assert.Contains("CT", output, StringComparison.Ordinal);

        (int seriesExit, string series) = await RunAsync("findscu", ["-S", "-aet", ae, "-aec", "PORTICO",
            "-k", "QueryRetrieveLevel=SERIES", "-k", $"StudyInstanceUID={studyUid}", "-k", "SeriesInstanceUID", "-k", "Modality=C*",
            "127.0.0.1", Text(Port)], Ct);
        Assert.True(seriesExit == 0, series);
        Assert.Contains("(0008,0060) CS [CT]", series, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindScu_IdentityWithoutFind_IsRefused()
    {
        string ae = NewAETitle("NOFIND");
        await CreateIdentityAsync(ae, ["C-STORE"]);

        (int exit, string output) = await RunAsync("findscu", ["-S", "-aet", ae, "-aec", "PORTICO", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID", "127.0.0.1", Text(Port)], Ct);

        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("(0020,000d) UI [", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoveScu_ToStorescp_DeliversTheStudy()
    {
        string caller = NewAETitle("MOVE");
        await CreateIdentityAsync(caller, ["C-STORE", "C-MOVE"]);
        string destAE = NewAETitle("DEST");
        int destPort = FreePort();
        await CreateIdentityAsync(destAE, ["C-ECHO"], destPort);
        string path = WriteSample("MR_small.dcm", out string studyUid, out string sopUid);
        Assert.Equal(0, (await StoreScuAsync(caller, path)).ExitCode);
        Assert.NotNull(await StoredStudyAsync(studyUid));
        string received = Path.Combine(Path.GetDirectoryName(path)!, "received");
        Directory.CreateDirectory(received);
        using Process storescp = Start("storescp", ["-aet", destAE, "-od", received, Text(destPort)]);
        try
        {
            await WaitForPortAsync(destPort, Ct);

            (int exit, string output) = await RunAsync("movescu", ["-S", "-aet", caller, "-aec", "PORTICO", "-aem", destAE,
                "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={studyUid}", "127.0.0.1", Text(Port)], Ct);

            Assert.True(exit == 0, output);
            Assert.DoesNotContain("Release Failed", output, StringComparison.Ordinal);
            string file = Assert.Single(Directory.GetFiles(received));
            (int _, string dump) = await RunAsync("dcmdump", ["-q", "+P", "0008,0018", file], Ct);
            Assert.Contains(sopUid, dump, StringComparison.Ordinal);
        }
        finally
        {
            storescp.Kill();
        }
    }

    [Fact]
    public async Task SendStudy_ToADisabledIdentity_IsRefusedWithTheReason()
    {
        string ae = NewAETitle("SRC");
        await CreateIdentityAsync(ae, ["C-STORE"]);
        string path = WriteSample("CT_small.dcm", out string studyUid, out _);
        Assert.Equal(0, (await StoreScuAsync(ae, path)).ExitCode);
        Assert.NotNull(await StoredStudyAsync(studyUid));
        JsonElement disabled = await CreateIdentityAsync(NewAETitle("OFFPACS"), ["C-ECHO"], FreePort(), enabled: false);
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PostAsJsonAsync($"/api/studies/{studyUid}/send", new { identityId = disabled.GetProperty("id").GetString() }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is disabled", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EchoApi_UnknownNoAddressAndDown_AnswerWhy()
    {
        using HttpClient client = factory.Admin();
        JsonElement noAddress = await CreateIdentityAsync(NewAETitle("NOADDR"), ["C-ECHO"]);
        JsonElement down = await CreateIdentityAsync(NewAETitle("DOWN"), ["C-ECHO"], FreePort());

        using HttpResponseMessage unknown = await client.PostAsync($"/api/dicom-identities/{Guid.NewGuid()}/echo", null, Ct);
        using HttpResponseMessage withoutAddress = await client.PostAsync($"/api/dicom-identities/{noAddress.GetProperty("id").GetString()}/echo", null, Ct);
        using HttpResponseMessage unreachable = await client.PostAsync($"/api/dicom-identities/{down.GetProperty("id").GetString()}/echo", null, Ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutAddress.StatusCode);
        Assert.Contains("no host and port", await withoutAddress.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, unreachable.StatusCode);
        JsonElement answer = await unreachable.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task MoveScu_UnknownDestination_FailsWithMoveDestinationUnknown()
    {
        string caller = NewAETitle("MOVE");
        await CreateIdentityAsync(caller, ["C-MOVE"]);

        (int exit, string output) = await RunAsync("movescu", ["-S", "-aet", caller, "-aec", "PORTICO", "-aem", "NOSUCHDEST",
            "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=1.2.3.4", "127.0.0.1", Text(Port)], Ct);

        // DCMTK names the status rather than printing its code (0xA801).
        Assert.Contains("Refused: MoveDestinationUnknown", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Release Failed", output, StringComparison.Ordinal);
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public async Task GetScu_Study_ReturnsItsInstances()
    {
        string caller = NewAETitle("GET");
        await CreateIdentityAsync(caller, ["C-STORE", "C-GET"]);
        string path = WriteSample("CT_small.dcm", out string studyUid, out string sopUid);
        Assert.Equal(0, (await StoreScuAsync(caller, path)).ExitCode);
        Assert.NotNull(await StoredStudyAsync(studyUid));
        string received = Path.Combine(Path.GetDirectoryName(path)!, "got");
        Directory.CreateDirectory(received);

        (int exit, string output) = await RunAsync("getscu", ["-S", "-aet", caller, "-aec", "PORTICO", "-od", received,
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={studyUid}", "127.0.0.1", Text(Port)], Ct);

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("Release Failed", output, StringComparison.Ordinal);
        string file = Assert.Single(Directory.GetFiles(received));
        Assert.Contains(sopUid, Path.GetFileName(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendStudy_ToStorescp_JobCompletesAndIsAudited()
    {
        string ae = NewAETitle("SRC");
        await CreateIdentityAsync(ae, ["C-STORE"]);
        string destAE = NewAETitle("PACS");
        int destPort = FreePort();
        JsonElement dest = await CreateIdentityAsync(destAE, ["C-ECHO"], destPort);
        string path = WriteSample("CT_small.dcm", out string studyUid, out _);
        Assert.Equal(0, (await StoreScuAsync(ae, path)).ExitCode);
        Assert.NotNull(await StoredStudyAsync(studyUid));
        string received = Path.Combine(Path.GetDirectoryName(path)!, "sent");
        Directory.CreateDirectory(received);
        using Process storescp = Start("storescp", ["-aet", destAE, "-od", received, Text(destPort)]);
        try
        {
            await WaitForPortAsync(destPort, Ct);
            using HttpClient client = factory.Admin();

            using HttpResponseMessage echo = await client.PostAsync($"/api/dicom-identities/{dest.GetProperty("id").GetString()}/echo", null, Ct);
            Assert.True((await echo.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("success").GetBoolean());

            using HttpResponseMessage started = await client.PostAsJsonAsync($"/api/studies/{studyUid}/send", new { identityId = dest.GetProperty("id").GetString() }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            string jobId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
            JsonElement job = await WaitForJobAsync(client, jobId);

            Assert.Equal("Completed", job.GetProperty("state").GetString());
            Assert.Equal(1, job.GetProperty("sent").GetInt32());
            Assert.Single(Directory.GetFiles(received));
        }
        finally
        {
            storescp.Kill();
        }
    }

    [Fact]
    public async Task SendStudy_DestinationDown_RetriesThenFails()
    {
        string ae = NewAETitle("SRC");
        await CreateIdentityAsync(ae, ["C-STORE"]);
        JsonElement dest = await CreateIdentityAsync(NewAETitle("DOWN"), ["C-ECHO"], FreePort());
        string path = WriteSample("CT_small.dcm", out string studyUid, out _);
        Assert.Equal(0, (await StoreScuAsync(ae, path)).ExitCode);
        Assert.NotNull(await StoredStudyAsync(studyUid));
        using HttpClient client = factory.Admin();

        using HttpResponseMessage echo = await client.PostAsync($"/api/dicom-identities/{dest.GetProperty("id").GetString()}/echo", null, Ct);
        JsonElement echoResult = await echo.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(echoResult.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(echoResult.GetProperty("error").GetString()));

        using HttpResponseMessage started = await client.PostAsJsonAsync($"/api/studies/{studyUid}/send", new { identityId = dest.GetProperty("id").GetString() }, Ct);
        string jobId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        JsonElement job = await WaitForJobAsync(client, jobId);

        Assert.Equal("Failed", job.GetProperty("state").GetString());
        Assert.Equal(3, job.GetProperty("attempts").GetInt32());
        Assert.False(string.IsNullOrEmpty(job.GetProperty("lastError").GetString()));
    }

    [Fact]
    public async Task SendStudy_MergedBeforeTheRetry_SendsTheRewrittenFiles()
    {
        // The destination is down for the first attempt. Before the retry the study is merged with another patient,
        // which rewrites its files under new blob keys and deletes the old ones: the retry sends what is stored now.
        (string studyUid, string targetPatientId, Func<Task> mergeAsync) = await StudyToMergeAsync();
        string destAE = NewAETitle("LATE");
        int destPort = FreePort();
        JsonElement dest = await CreateIdentityAsync(destAE, ["C-ECHO"], destPort);
        using HttpClient client = factory.Admin();

        using HttpResponseMessage started = await client.PostAsJsonAsync($"/api/studies/{studyUid}/send", new { identityId = dest.GetProperty("id").GetString() }, Ct);
        string jobId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        await WaitForJobAsync(client, jobId, "Retrying");
        await mergeAsync();

        string received = Directory.CreateTempSubdirectory("portico-late-pacs-").FullName;
        using Process storescp = Start("storescp", ["-aet", destAE, "-od", received, Text(destPort)]);
        try
        {
            await WaitForPortAsync(destPort, Ct);
            JsonElement job = await WaitForJobAsync(client, jobId);

            Assert.Equal("Completed", job.GetProperty("state").GetString());
            Assert.Equal(2, job.GetProperty("sent").GetInt32());
            Assert.Equal(2, job.GetProperty("attempts").GetInt32());
            await AssertReceivedAsync(received, 2, targetPatientId);
        }
        finally
        {
            storescp.Kill();
        }
    }

    [Fact]
    public async Task Sender_FilesRewrittenAfterTheListWasRead_SendsTheFilesStoredNow()
    {
        // A merge in the middle of a transfer attempt: the sender holds the instances as they were read, and the merge
        // has since rewritten their files under new blob keys and deleted the old ones.
        (string studyUid, string targetPatientId, Func<Task> mergeAsync) = await StudyToMergeAsync();
        List<Portico.Web.Features.DicomNetwork.StoredInstance> read = await StoredStudies.WithDbAsync(factory, db => db.Instances
            .Where(i => i.Series.Study.StudyInstanceUid == studyUid)
            .Select(i => new Portico.Web.Features.DicomNetwork.StoredInstance(i.SopClassUid, i.SopInstanceUid, i.TransferSyntaxUid, i.BlobKey))
            .ToListAsync(Ct));
        await mergeAsync();
        Assert.All(read, i => Assert.False(StoredStudies.BlobExists(factory, i.BlobKey), "the merge deleted the file the list names"));

        string destAE = NewAETitle("MID");
        int destPort = FreePort();
        string received = Directory.CreateTempSubdirectory("portico-mid-pacs-").FullName;
        using Process storescp = Start("storescp", ["-aet", destAE, "-od", received, Text(destPort)]);
        try
        {
            await WaitForPortAsync(destPort, Ct);
            var results = new List<InstanceTransferResult>();
            DicomSender sender = factory.Services.GetRequiredService<DicomSender>();
            await foreach (var _ in sender.SendAsync(new DicomIdentityTarget(Guid.NewGuid(), "Mid-merge PACS", destAE, "127.0.0.1", destPort), read, null, Ct, results.Add))
            {
            }

            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.True(r.Accepted, r.Comment));
            await AssertReceivedAsync(received, 2, targetPatientId);
        }
        finally
        {
            storescp.Kill();
        }
    }

    /// <summary>
    /// A stored two-instance study and, through the API, its merge with another stored patient, which rewrites the
    /// study's files under new blob keys and deletes the old ones.
    /// </summary>
    private async Task<(string StudyUid, string TargetPatientId, Func<Task> MergeAsync)> StudyToMergeAsync()
    {
        string token = "M" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        string targetPatientId = $"H{token}";
        await StoredStudies.UploadAsync(factory, new TestPatient($"Target{token}^Tina", targetPatientId, "19600102", "F"), "CT_small.dcm");
        string studyUid = await StoredStudies.UploadAsync(factory, new TestPatient($"Outside{token}^Otto", $"P-{token}", "19600201", "M"), "CT_small.dcm", "MR_small.dcm");
        return (studyUid, targetPatientId, async () =>
        {
            using HttpClient client = factory.Admin();
            using JsonDocument patients = JsonDocument.Parse(await client.GetStringAsync($"/api/patients?search=target{token}", Ct));
            string target = patients.RootElement.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("patientId").GetString() == targetPatientId).GetProperty("id").GetString()!;
            using HttpResponseMessage merged = await client.PostAsJsonAsync($"/api/studies/{studyUid}/merge", new { targetPatientId = target, reason = "Referral names Tina Target" }, Ct);
            Assert.Equal(HttpStatusCode.NoContent, merged.StatusCode);
        }
        );
    }

    /// <summary>The destination received <paramref name="count"/> files, each with this Patient ID as dcmdump reads it.</summary>
    private static async Task AssertReceivedAsync(string received, int count, string patientId)
    {
        string[] files = Directory.GetFiles(received);
        Assert.Equal(count, files.Length);
        foreach (string file in files)
        {
            (int exit, string dump) = await RunAsync("dcmdump", ["-q", "+P", "0010,0020", file], Ct);
            Assert.Equal(0, exit);
            Assert.Contains($"[{patientId}]", dump, StringComparison.Ordinal);
        }
    }

    private static async Task<JsonElement> WaitForJobAsync(HttpClient client, string jobId, string? state = null)
    {
        for (int i = 0; i < 600; i++)
        {
            JsonElement job = await client.GetFromJsonAsync<JsonElement>($"/api/transfers/{jobId}", Ct);
            string? current = job.GetProperty("state").GetString();
            if (current == state || (state is null && current is "Completed" or "CompletedWithFailures" or "Failed"))
            {
                return job;
            }

            await Task.Delay(50, Ct);
        }

        throw new TimeoutException($"The transfer job did not reach {state ?? "an end"}.");
    }

    [Fact]
    public async Task Orthanc_StoresFindsAndMovesThroughPortico_AndReceivesASentStudy()
    {
        await using OrthancProcess orthanc = await OrthancProcess.StartAsync(Ct);
        // Orthanc 1.10 has no DICOM listen address; the preloaded scripts/loopback-bind.c keeps its port on loopback.
        Assert.Equal([System.Net.IPAddress.Loopback], LoopbackOnly.ListeningAddresses(orthanc.DicomPort));
        // Only this test registers Orthanc's AE title on this class's server.
        JsonElement identity = await CreateIdentityAsync(OrthancProcess.AETitle, ["C-ECHO", "C-STORE", "C-FIND", "C-MOVE"], orthanc.DicomPort);
        const string orthancAE = OrthancProcess.AETitle;
        await orthanc.AddModalityAsync("portico", "PORTICO", Port, Ct);
        byte[] file = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out string sopUid);
        string orthancId = await orthanc.UploadAsync(file, Ct);

        // Orthanc as SCU: C-ECHO and C-STORE into Portico.
        await orthanc.PostJsonAsync("modalities/portico/echo", new { }, Ct);
        await orthanc.PostJsonAsync("modalities/portico/store", new { Resources = new[] { orthancId }, Synchronous = true }, Ct);
        Assert.NotNull(await StoredStudyAsync(studyUid));

        // C-FIND from Orthanc.
        JsonElement query = await orthanc.PostJsonAsync("modalities/portico/query", new { Level = "Study", Query = new { StudyInstanceUID = studyUid, PatientID = "" } }, Ct);
        JsonElement answers = await orthanc.Http.GetFromJsonAsync<JsonElement>($"queries/{query.GetProperty("ID").GetString()}/answers?expand", Ct);
        Assert.Equal(1, answers.GetArrayLength());

        // C-MOVE from Orthanc to itself through Portico.
        using (HttpResponseMessage deleted = await orthanc.Http.DeleteAsync($"instances/{orthancId}", Ct))
        {
            deleted.EnsureSuccessStatusCode();
        }

        await orthanc.PostJsonAsync("modalities/portico/move", new { Level = "Study", Resources = new[] { new { StudyInstanceUID = studyUid } }, TargetAet = orthancAE, Synchronous = true }, Ct);
        Assert.Contains(sopUid, await orthanc.SopInstanceUidsAsync(Ct));

        // Orthanc as the destination of a study transfer.
        using (HttpResponseMessage deleted = await orthanc.Http.DeleteAsync($"instances/{orthancId}", Ct))
        {
            deleted.EnsureSuccessStatusCode();
        }

        using HttpClient client = factory.Admin();
        using HttpResponseMessage started = await client.PostAsJsonAsync($"/api/studies/{studyUid}/send", new { identityId = identity.GetProperty("id").GetString() }, Ct);
        string jobId = (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        Assert.Equal("Completed", (await WaitForJobAsync(client, jobId)).GetProperty("state").GetString());
        Assert.Contains(sopUid, await orthanc.SopInstanceUidsAsync(Ct));
    }
}
