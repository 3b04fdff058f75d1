using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index.Studies;
using Portico.Web.Features.Scanning;
using Xunit;

namespace Portico.Web.Tests.Scanning;

/// <summary>
/// Staff uploads through <c>/api/uploads</c> when a scanner is configured and required: scanned before ingest, waiting
/// (and ingesting nothing) while clamd is down, ingested on a retry once it is up; an infected upload is refused.
/// </summary>
public sealed class StaffUploadScanningTests
{
    private sealed record Result(string File, string? SopInstanceUid, string? StudyInstanceUid, string Status, string? Reason);

    private sealed record Outcome(string Id, string FileName, string State, Result[] Results, string? Error, string? Waiting);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task While_clamd_is_down_an_upload_waits_and_nothing_is_ingested_then_it_is_ingested_once_clamd_is_up()
    {
        int port = ScanningTestKit.ClosedPort();
        await using PorticoFactory factory = ScanningTestKit.Server($"tcp://127.0.0.1:{port}");
        await factory.InitializeAsync();
        using HttpClient client = factory.Admin();
        byte[] bytes = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopUid);

        string location = await ScanningTestKit.UploadAsync(client, bytes, "ct.dcm", Ct);

        Outcome waiting = await OutcomeAsync(client, location, o => o.Waiting is not null);
        Assert.Equal("Processing", waiting.State);
        Assert.Equal("The malware scanner is not available; your file waits and is scanned again shortly.", waiting.Waiting);
        Assert.Empty(waiting.Results);
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct); // a few retries, the scanner still down
        Assert.Equal("Processing", (await OutcomeAsync(client, location, _ => true)).State);
        Assert.False(await factory.WithDb(db => db.Instances.AnyAsync(i => i.SopInstanceUid == sopUid, Ct)), "nothing is ingested unscanned");
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "uploads", location.Split('/')[^1] + ".bin")), "the upload keeps its bytes while it waits");

        await using (new TcpForwarder(port, new Uri(ClamAvScannerTests.ClamdAddress)))
        {
            Outcome done = await OutcomeAsync(client, location, o => o.State != "Processing");

            Assert.Equal("Completed", done.State);
            Assert.Null(done.Waiting);
            Result result = Assert.Single(done.Results);
            Assert.Equal(("Stored", sopUid), (result.Status, result.SopInstanceUid));
        }

        Assert.True(await factory.WithDb(db => db.Instances.AnyAsync(i => i.SopInstanceUid == sopUid, Ct)));
    }

    [Fact]
    public async Task An_infected_staff_upload_is_refused_with_the_signature_and_quarantined()
    {
        await using PorticoFactory factory = ScanningTestKit.Server(ClamAvScannerTests.ClamdAddress);
        await factory.InitializeAsync();
        using HttpClient client = factory.Admin();
        byte[] dicom = TestFiles.WithNewUids("CT_small.dcm", out _, out string sopUid);
        string zip = ScanningTestKit.Zip(Path.Combine(factory.DataDirectory, "staff.zip"), ("IM1", dicom), ("autorun.com", ClamAvScannerTests.Eicar));

        string location = await ScanningTestKit.UploadAsync(client, await File.ReadAllBytesAsync(zip, Ct), "staff.zip", Ct);

        Outcome done = await OutcomeAsync(client, location, o => o.State != "Processing");
        Assert.Equal("Completed", done.State);
        Result result = Assert.Single(done.Results);
        Assert.Equal(("autorun.com", "Rejected"), (result.File, result.Status));
        Assert.StartsWith("The file was refused: malware was found in it (Portico.Test.EICAR", result.Reason, StringComparison.Ordinal);
        Assert.False(await factory.WithDb(db => db.Instances.AnyAsync(i => i.SopInstanceUid == sopUid, Ct)), "no entry of an infected archive is ingested");
        var row = await factory.WithDb(db => db.QuarantinedFiles.SingleAsync(Ct));
        Assert.Equal(("staff.zip", "autorun.com", IngestSourceKind.ApiKey), (row.FileName, row.ZipEntry, row.Source.Kind));
    }

    [Fact]
    public async Task Without_a_scanner_uploads_are_not_scanned_unless_scanning_is_required()
    {
        await using var plain = new PorticoFactory();
        await plain.InitializeAsync();
        IUploadScanning scanning = plain.Services.GetRequiredService<IUploadScanning>();
        string path = Path.Combine(plain.DataDirectory, "eicar.txt");
        await File.WriteAllBytesAsync(path, ClamAvScannerTests.Eicar, Ct);

        UploadScanResult result = await scanning.ScanAsync(path, "eicar.txt", new IngestSource(IngestSourceKind.User, "u", "user@test.local"), Ct);

        Assert.False(scanning.IsConfigured);
        Assert.Equal(UploadScanStatus.NotScanned, result.Status);
        Assert.True(result.MayIngest);

        await using var required = new PorticoFactory { Settings = new Dictionary<string, string> { ["Portico:Scanning:Required"] = "true" } };
        await required.InitializeAsync();
        UploadScanResult waiting = await required.Services.GetRequiredService<IUploadScanning>().ScanAsync(path, "eicar.txt", new IngestSource(IngestSourceKind.User), Ct);
        Assert.Equal(UploadScanStatus.Waiting, waiting.Status);
        Assert.True(File.Exists(path));
    }

    /// <summary>Asks for the outcome (each ask waits up to 5 s for processing) until <paramref name="done"/> holds, for at most a minute.</summary>
    private static async Task<Outcome> OutcomeAsync(HttpClient client, string location, Func<Outcome, bool> done)
    {
        DateTime until = DateTime.UtcNow.AddMinutes(1);
        for (; ; )
        {
            Outcome outcome = (await client.GetFromJsonAsync<Outcome>(location + "/outcome?waitSeconds=5", Ct))!;
            if (done(outcome) || DateTime.UtcNow > until)
            {
                return outcome;
            }

            await Task.Delay(200, Ct);
        }
    }
}
