using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portico.Storage;
using Portico.Tests.Shared;
using Portico.Web.Features.DicomNetwork;
using Xunit;
using static Portico.Web.Tests.DicomNetwork.ExternalTool;

namespace Portico.Web.Tests.DicomNetwork;

/// <summary>
/// Mutation fuzzing of the real server's DICOM port, seeded by what DCMTK itself sends: a storescu association (two
/// C-STOREs) and a findscu association are recorded through a relay, then replayed hundreds of times with bit flips,
/// lying length fields, cut streams and repeated PDUs. Whatever arrives, each association ends, no slot or temp file
/// is left behind, nothing but the recorded instances is stored and those are unchanged, and the server keeps serving
/// DCMTK afterwards. The seed is fixed, so a failure reproduces.
/// </summary>
public sealed class DicomNetworkFuzzTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private const int Seed = 20261207;
    private const int MutationsPerRecording = 400;
    private static readonly TimeSpan AssociationLimit = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int Port => factory.Services.GetRequiredService<DicomListener>().Port ?? throw new InvalidOperationException("The DICOM port is not listening.");

    [Fact]
    public async Task MutatedDcmtkAssociations_EachEnds_LeaveNothingBehind_AndChangeNothingStored()
    {
        string ae = "FUZZ" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        using HttpClient admin = factory.Admin();
        using (HttpResponseMessage created = await admin.PostAsJsonAsync("/api/dicom-identities", new { name = "Fuzz", aeTitle = ae, allowedOperations = new[] { "C-ECHO", "C-STORE", "C-FIND" } }, Ct))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
        }

        string directory = Path.Combine(Path.GetTempPath(), "portico-fuzz-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var sopUids = new List<string>();
        var studyUids = new List<string>();
        foreach (string name in new[] { "CT_small.dcm", "MR_small.dcm" })
        {
            File.WriteAllBytes(Path.Combine(directory, name), DicomSamples.WithNewUids(name, out string studyUid, out string sopUid));
            studyUids.Add(studyUid);
            sopUids.Add(sopUid);
        }

        byte[] store = await RecordAsync(Port, relay => RunAsync("storescu", ["-aet", ae, "-aec", "PORTICO", "127.0.0.1", Text(relay), .. Directory.GetFiles(directory)], Ct));
        byte[] find = await RecordAsync(Port, relay => RunAsync("findscu", ["-S", "-aet", ae, "-aec", "PORTICO", "-k", "QueryRetrieveLevel=STUDY",
            "-k", "PatientName=C*", "-k", "StudyDate=19900101-20301231", "-k", "ModalitiesInStudy", "-k", "StudyInstanceUID", "-k", "PatientID", "127.0.0.1", Text(relay)], Ct));
        var before = new Dictionary<string, byte[]>();
        foreach (string sopUid in sopUids)
        {
            before[sopUid] = await admin.GetByteArrayAsync($"/api/instances/{sopUid}/file", Ct);
        }

        var random = new Random(Seed);
        var answers = new Dictionary<string, int>();
        foreach (byte[] recording in new[] { store, find })
        {
            List<byte[]> pdus = SplitPdus(recording);
            Assert.True(pdus.Count >= 4, $"{pdus.Count} PDUs recorded");
            for (int i = 0; i < MutationsPerRecording; i++)
            {
                string how = Mutate(pdus, random, out List<byte[]> mutated);
                string first = await ReplayAsync(Port, mutated, $"mutation {i} ({how})");
                answers[first] = answers.GetValueOrDefault(first) + 1;
            }
        }

        // The mutations reach every stage: refused or aborted at once, accepted with DIMSE traffic after,
        Assert.True(answers.GetValueOrDefault("A-ASSOCIATE-AC") > 100 && answers.GetValueOrDefault("A-ABORT") > 50, string.Join(", ", answers));
        // and mutated C-STOREs reached the pipeline: the association log counts answered and failed ones.
        (int storesAnswered, int storesFailed) = await StoreCountsAsync(admin, ae);
        Assert.True(storesAnswered > 50 && storesFailed > 10, $"{storesAnswered} C-STOREs answered, {storesFailed} failed");
        DicomListener listener = factory.Services.GetRequiredService<DicomListener>();
        string temp = factory.Services.GetRequiredService<IBlobStore>().TempDirectory;
        await WaitUntilAsync(() => listener.ActiveAssociations == 0 && !Directory.EnumerateFiles(temp).Any(), $"{listener.ActiveAssociations} associations open, temp files {string.Join(", ", Directory.EnumerateFiles(temp).Select(Path.GetFileName))}");

        foreach (string sopUid in sopUids)
        {
            Assert.Equal(before[sopUid], await admin.GetByteArrayAsync($"/api/instances/{sopUid}/file", Ct));
        }

        using JsonDocument studies = JsonDocument.Parse(await admin.GetStringAsync("/api/studies?pageSize=100", Ct));
        Assert.Equal(studyUids.Order(StringComparer.Ordinal), studies.RootElement.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("studyInstanceUid").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(studies.RootElement.GetProperty("items").EnumerateArray(), s => Assert.Equal(1, s.GetProperty("numberOfInstances").GetInt32()));

        (int echo, string echoOutput) = await RunAsync("echoscu", ["-aet", ae, "-aec", "PORTICO", "127.0.0.1", Text(Port)], Ct);
        Assert.True(echo == 0, echoOutput);
        File.WriteAllBytes(Path.Combine(directory, "after.dcm"), DicomSamples.WithNewUids("CT_small.dcm", out _, out string afterUid));
        (int stored, string storeOutput) = await RunAsync("storescu", ["-aet", ae, "-aec", "PORTICO", "127.0.0.1", Text(Port), Path.Combine(directory, "after.dcm")], Ct);
        Assert.True(stored == 0, storeOutput);
        using HttpResponseMessage after = await admin.GetAsync($"/api/instances/{afterUid}", Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<(int Answered, int Failed)> StoreCountsAsync(HttpClient admin, string ae)
    {
        int answered = 0, failed = 0;
        for (int page = 1; ; page++)
        {
            using JsonDocument log = JsonDocument.Parse(await admin.GetStringAsync($"/api/dicom/associations?callingAeTitle={ae}&result=accepted&pageSize=500&page={page}", Ct));
            JsonElement[] items = [.. log.RootElement.GetProperty("items").EnumerateArray()];
            answered += items.Sum(a => a.GetProperty("storeCount").GetInt32());
            failed += items.Sum(a => a.GetProperty("storeFailedCount").GetInt32());
            if (items.Length < 500)
            {
                return (answered, failed);
            }
        }
    }

    /// <summary>Runs a DCMTK tool against a relay to Portico and gives what the tool sent.</summary>
    private static async Task<byte[]> RecordAsync(int port, Func<int, Task<(int ExitCode, string Output)>> tool)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int relayPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        Task<(int ExitCode, string Output)> run = tool(relayPort);
        using Socket client = await listener.AcceptSocketAsync(Ct);
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await server.ConnectAsync(IPAddress.Loopback, port, Ct);
        var sent = new MemoryStream();
        Task toServer = PumpAsync(client, server, sent);
        Task toClient = PumpAsync(server, client, null);
        (int exit, string output) = await run;
        Assert.True(exit == 0, output);
        await Task.WhenAll(toServer, toClient).WaitAsync(AssociationLimit, Ct);
        return sent.ToArray();
    }

    private static async Task PumpAsync(Socket from, Socket to, MemoryStream? copy)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, Ct)) > 0)
            {
                copy?.Write(buffer, 0, n);
                await to.SendAsync(buffer.AsMemory(0, n), Ct);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The other side is gone; the relay ends with it.
        }
    }

    /// <summary>Sends the PDUs, closes its sending side and reads until the server closes; gives the first PDU answered.</summary>
    private static async Task<string> ReplayAsync(int port, List<byte[]> pdus, string what)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, Ct);
        try
        {
            foreach (byte[] pdu in pdus)
            {
                await socket.SendAsync(pdu, Ct);
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Aborted and closed by the server before everything was sent.
        }

        byte[] buffer = new byte[64 * 1024];
        byte? first = null;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(AssociationLimit);
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, limit.Token)) > 0)
            {
                first ??= buffer[0];
            }
        }
        catch (SocketException)
        {
            // Reset by the server after its abort.
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"The server kept the connection of {what} open for more than {AssociationLimit.TotalSeconds} s.");
        }

        return first switch
        {
            null => "nothing",
            0x02 => "A-ASSOCIATE-AC",
            0x03 => "A-ASSOCIATE-RJ",
            0x07 => "A-ABORT",
            byte other => $"PDU type {other}",
        };
    }

    private static List<byte[]> SplitPdus(byte[] stream)
    {
        var pdus = new List<byte[]>();
        for (int at = 0; at < stream.Length;)
        {
            int length = 6 + (int)BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(at + 2));
            pdus.Add(stream[at..(at + length)]);
            at += length;
        }

        return pdus;
    }

    /// <summary>One to three changes to a copy of the recording; says which, for the failure message.</summary>
    private static string Mutate(List<byte[]> pdus, Random random, out List<byte[]> mutated)
    {
        mutated = [.. pdus.Select(p => (byte[])p.Clone())];
        var how = new List<string>();
        for (int round = random.Next(1, 4); round > 0; round--)
        {
            int index = random.Next(mutated.Count);
            byte[] pdu = mutated[index];
            switch (random.Next(5))
            {
                case 0:
                    how.Add($"{ByteMutations.FlipBits(pdu, random, most: 6)} in PDU {index}");
                    break;
                case 1:
                    how.Add($"{ByteMutations.Lie32(pdu, random, bigEndian: true)} of PDU {index}");
                    break;
                case 2:
                    how.Add($"{ByteMutations.Lie16(pdu, random, bigEndian: true)} of PDU {index}");
                    break;
                case 3:
                    int cut = random.Next(pdu.Length);
                    mutated[index] = pdu[..cut];
                    mutated.RemoveRange(index + 1, mutated.Count - index - 1);
                    how.Add($"stream cut after {cut} bytes of PDU {index}");
                    return string.Join("; ", how);
                default:
                    mutated.Insert(index, (byte[])pdu.Clone());
                    how.Add($"PDU {index} sent twice");
                    break;
            }
        }

        return string.Join("; ", how);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (int i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100, Ct);
        }

        Assert.True(condition(), what);
    }
}
