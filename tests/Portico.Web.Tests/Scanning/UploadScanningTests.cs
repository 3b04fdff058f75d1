using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portico.Index;
using Portico.Index.Access;
using Portico.Index.Audit;
using Portico.Index.Scanning;
using Portico.Index.Studies;
using Portico.Web.Features.Scanning;
using Xunit;

namespace Portico.Web.Tests.Scanning;

/// <summary>A server scanning with the real clamd of scripts/test.sh (scanning required).</summary>
public sealed class ClamdServer : IAsyncLifetime
{
    public PorticoFactory Factory { get; } = ScanningTestKit.Server(ClamAvScannerTests.ClamdAddress);

    public ValueTask InitializeAsync() => Factory.InitializeAsync();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>
/// The scan before ingest (<see cref="IUploadScanning"/>) against the real clamd: EICAR in a file, a ZIP and a ZIP inside
/// a ZIP is quarantined (moved, recorded, audited); clean files pass; ZIPs that cannot be opened safely are refused.
/// </summary>
public sealed class UploadScanningTests(ClamdServer server) : IClassFixture<ClamdServer>
{
    private static readonly IngestSource Source = new(IngestSourceKind.UploadCode, "code-id", "ABCD-EFGH", "192.0.2.7");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PorticoFactory Factory => server.Factory;

    private IUploadScanning Scanning => Factory.Services.GetRequiredService<IUploadScanning>();

    [Fact]
    public async Task EICAR_in_a_plain_file_is_moved_to_the_quarantine_recorded_and_audited()
    {
        string path = NewFile("referral.pdf", ClamAvScannerTests.Eicar);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(ClamAvScannerTests.Eicar));

        UploadScanResult result = await Scanning.ScanAsync(path, "Referral letter.pdf", Source, Ct);

        Assert.Equal(UploadScanStatus.Infected, result.Status);
        Assert.False(result.MayIngest);
        Assert.Equal("The file was refused: malware was found in it.", result.Reason);
        Assert.StartsWith("Portico.Test.EICAR", result.Signature, StringComparison.Ordinal);
        Assert.Null(result.Entry);
        Assert.False(File.Exists(path), "the infected file is gone from its path");

        QuarantinedFile row = await QuarantinedAsync(sha256);
        Assert.Equal(("Referral letter.pdf", (string?)null, (long)ClamAvScannerTests.Eicar.Length), (row.FileName, row.ZipEntry, row.SizeBytes));
        Assert.Equal(Source, row.Source);
        string quarantined = Path.Combine(Factory.DataDirectory, "quarantine", row.Id.Value.ToString("N") + ".bin");
        Assert.Equal(ClamAvScannerTests.Eicar, await File.ReadAllBytesAsync(quarantined, Ct));
        using JsonDocument side = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(quarantined, ".json"), Ct));
        Assert.Equal("Referral letter.pdf", side.RootElement.GetProperty("fileName").GetString());

        AuditEntry audit = await AuditAsync("Upload.Quarantined", "quarantine/" + row.Id);
        Assert.Equal(("ABCD-EFGH", ActorKind.UploadCode, "192.0.2.7"), (audit.Actor, audit.ActorKind, audit.RemoteAddress));
        Assert.Contains(row.Signature, audit.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("Referral", audit.Details, StringComparison.Ordinal); // no file names (they may name a patient)
    }

    [Fact]
    public async Task EICAR_in_a_ZIP_entry_among_clean_files_is_found_and_the_archive_quarantined()
    {
        byte[] dicom = TestFiles.WithNewUids("CT_small.dcm", out _, out _);
        string path = ScanningTestKit.Zip(NewPath("cd.zip"), ("DICOM/IM0001", dicom), ("docs/readme.com", ClamAvScannerTests.Eicar), ("DICOM/IM0002", dicom));

        UploadScanResult result = await Scanning.ScanAsync(path, "cd.zip", Source, Ct);

        Assert.Equal((UploadScanStatus.Infected, "docs/readme.com"), (result.Status, result.Entry));
        Assert.False(File.Exists(path));
        QuarantinedFile row = await Factory.WithDb(db => db.QuarantinedFiles.SingleAsync(q => q.FileName == "cd.zip", Ct));
        Assert.Equal("docs/readme.com", row.ZipEntry);
        Assert.True(File.Exists(Path.Combine(Factory.DataDirectory, "quarantine", row.Id.Value.ToString("N") + ".bin")));
        await AuditAsync("Upload.Quarantined", "quarantine/" + row.Id);
    }

    [Fact]
    public async Task EICAR_in_a_ZIP_inside_a_ZIP_is_found()
    {
        byte[] inner = await File.ReadAllBytesAsync(ScanningTestKit.Zip(NewPath("inner.zip"), ("deep/tool.exe", ClamAvScannerTests.Eicar)), Ct);
        string path = ScanningTestKit.Zip(NewPath("outer.zip"), ("notes.txt", "clean"u8.ToArray()), ("folder/inner.zip", inner));

        UploadScanResult result = await Scanning.ScanAsync(path, "outer.zip", Source, Ct);

        Assert.Equal((UploadScanStatus.Infected, "folder/inner.zip/deep/tool.exe"), (result.Status, result.Entry));
        Assert.False(File.Exists(path));
        QuarantinedFile row = await Factory.WithDb(db => db.QuarantinedFiles.SingleAsync(q => q.FileName == "outer.zip", Ct));
        await AuditAsync("Upload.Quarantined", "quarantine/" + row.Id);
    }

    [Fact]
    public async Task A_clean_DICOM_file_is_clean_and_stays_where_it_is()
    {
        string path = NewFile("ct.dcm", TestFiles.WithNewUids("CT_small.dcm", out _, out _));

        UploadScanResult result = await Scanning.ScanAsync(path, "ct.dcm", Source, Ct);

        Assert.Equal(UploadScanStatus.Clean, result.Status);
        Assert.True(result.MayIngest);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task A_clean_ZIP_with_DICOM_and_other_files_is_clean()
    {
        byte[] inner = await File.ReadAllBytesAsync(ScanningTestKit.Zip(NewPath("inner-clean.zip"), ("IM1", TestFiles.WithNewUids("MR_small.dcm", out _, out _))), Ct);
        string path = ScanningTestKit.Zip(
            NewPath("clean.zip"),
            ("DICOMDIR", "index"u8.ToArray()),
            ("IMAGES/IM0001", TestFiles.WithNewUids("CT_small.dcm", out _, out _)),
            ("report.txt", Encoding.ASCII.GetBytes("an ordinary report")),
            ("more/inner.zip", inner));

        UploadScanResult result = await Scanning.ScanAsync(path, "clean.zip", Source, Ct);

        Assert.Equal(UploadScanStatus.Clean, result.Status);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_with_the_walkers_reason_and_not_quarantined()
    {
        string path = NewPath("bomb.zip");
        using (FileStream stream = File.Create(path))
        using (var archive = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create))
        using (Stream entry = archive.CreateEntry("zeros.dcm", System.IO.Compression.CompressionLevel.SmallestSize).Open())
        {
            var chunk = new byte[1 << 20];
            for (int i = 0; i < 64; i++)
            {
                entry.Write(chunk);
            }
        }

        UploadScanResult result = await Scanning.ScanAsync(path, "bomb.zip", Source, Ct);

        Assert.Equal(UploadScanStatus.Refused, result.Status);
        Assert.False(result.MayIngest);
        Assert.Contains("ZIP bomb", result.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(path), "a refused file is not malware: it stays for its caller to discard");
    }

    [Fact]
    public async Task A_ZIP_whose_entry_leads_outside_the_archive_is_refused()
    {
        string path = ScanningTestKit.Zip(NewPath("traversal.zip"), ("ok/IM1", TestFiles.WithNewUids("CT_small.dcm", out _, out _)), ("../../etc/evil.sh", "echo hi"u8.ToArray()));

        UploadScanResult result = await Scanning.ScanAsync(path, "traversal.zip", Source, Ct);

        Assert.Equal((UploadScanStatus.Refused, "../../etc/evil.sh"), (result.Status, result.Entry));
        Assert.Equal("The file's path leads outside the ZIP archive, so it was not unpacked", result.Reason);
    }

    [Fact]
    public async Task A_ZIP_nested_deeper_than_the_limit_is_refused()
    {
        byte[] third = await File.ReadAllBytesAsync(ScanningTestKit.Zip(NewPath("third.zip"), ("x.txt", "x"u8.ToArray())), Ct);
        byte[] second = await File.ReadAllBytesAsync(ScanningTestKit.Zip(NewPath("second.zip"), ("third.zip", third)), Ct);
        string path = ScanningTestKit.Zip(NewPath("first.zip"), ("second.zip", second));

        UploadScanResult result = await Scanning.ScanAsync(path, "first.zip", Source, Ct);

        Assert.Equal((UploadScanStatus.Refused, "second.zip/third.zip"), (result.Status, result.Entry));
        Assert.Contains("unzip this one", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quarantine_API_lists_and_deletes_for_UploadPortal_Manage_only()
    {
        string path = NewFile("api.bin", ClamAvScannerTests.Eicar);
        Assert.Equal(UploadScanStatus.Infected, (await Scanning.ScanAsync(path, "for-the-api.bin", Source, Ct)).Status);
        using HttpClient admin = Factory.Admin();

        List<QuarantineRowDto>? rows = await admin.GetFromJsonAsync<List<QuarantineRowDto>>("/api/quarantine", Ct);
        QuarantineRowDto row = Assert.Single(rows!, r => r.FileName == "for-the-api.bin");
        Assert.StartsWith("Portico.Test.EICAR", row.Signature, StringComparison.Ordinal);
        Assert.Equal(("UploadCode", "ABCD-EFGH", (long)ClamAvScannerTests.Eicar.Length), (row.SourceKind, row.SourceName, row.SizeBytes));

        string withoutPermission = await Factory.CreateKeyAsync([.. Permissions.All.Where(p => p != Permissions.UploadPortalManage)]);
        using HttpClient other = Factory.ClientWithKey(withoutPermission);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/quarantine", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"/api/quarantine/{row.Id}", Ct)).StatusCode);

        string bytesPath = Path.Combine(Factory.DataDirectory, "quarantine", row.Id.ToString("N") + ".bin");
        Assert.True(File.Exists(bytesPath));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/quarantine/{row.Id}", Ct)).StatusCode);
        Assert.False(File.Exists(bytesPath));
        Assert.False(File.Exists(Path.ChangeExtension(bytesPath, ".json")));
        Assert.False(await Factory.WithDb(db => db.QuarantinedFiles.AnyAsync(q => q.Id == new QuarantinedFileId(row.Id), Ct)));
        AuditEntry audit = await AuditAsync("Quarantine.Deleted", "quarantine/" + row.Id);
        Assert.Equal(ActorKind.ApiKey, audit.ActorKind);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/quarantine/{row.Id}", Ct)).StatusCode);
    }

    private sealed record QuarantineRowDto(Guid Id, DateTime QuarantinedAt, string FileName, string? ZipEntry, string Signature, long SizeBytes, string Sha256, string SourceKind, string? SourceId, string? SourceName, string? SourceAddress);

    private string NewPath(string name)
    {
        string directory = Path.Combine(Factory.DataDirectory, "scan-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    private string NewFile(string name, byte[] bytes)
    {
        string path = NewPath(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private Task<QuarantinedFile> QuarantinedAsync(string sha256) =>
        Factory.WithDb(db => db.QuarantinedFiles.OrderByDescending(q => q.QuarantinedAt).FirstAsync(q => q.Sha256 == sha256 && q.FileName == "Referral letter.pdf", Ct));

    private Task<AuditEntry> AuditAsync(string action, string target) =>
        Factory.WithDb(db => db.AuditEntries.SingleAsync(a => a.Action == action && a.Target == target, Ct));
}

internal static class FactoryDb
{
    public static async Task<T> WithDb<T>(this PorticoFactory factory, Func<PorticoDbContext, Task<T>> query)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
    }
}

/// <summary>A crash between moving a file into the quarantine and committing its row: the row is recovered at start.</summary>
public sealed class QuarantineRecoveryTests
{
    [Fact]
    public async Task A_quarantined_file_without_a_row_gets_one_from_its_side_record()
    {
        await using var factory = new PorticoFactory();
        await factory.InitializeAsync();
        string directory = Path.Combine(factory.DataDirectory, "quarantine");
        Directory.CreateDirectory(directory);
        Guid withRecord = Guid.CreateVersion7(), bare = Guid.CreateVersion7();
        await File.WriteAllBytesAsync(Path.Combine(directory, withRecord.ToString("N") + ".bin"), ClamAvScannerTests.Eicar, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(
            Path.Combine(directory, withRecord.ToString("N") + ".json"),
            """{"id":"x","quarantinedAt":"2026-12-01T10:00:00Z","fileName":"cd.zip","zipEntry":"a/b.exe","signature":"Test.Sig","sizeBytes":68,"sha256":"x","source":{"kind":"UploadCode","id":"c1","name":"ABCD","address":"192.0.2.1"}}""",
            TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(directory, bare.ToString("N") + ".bin"), [1, 2, 3], TestContext.Current.CancellationToken);

        int recovered;
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            recovered = await scope.ServiceProvider.GetRequiredService<QuarantineService>().RecoverAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, recovered);
        QuarantinedFile row = await factory.WithDb(db => db.QuarantinedFiles.SingleAsync(q => q.Id == new QuarantinedFileId(withRecord), TestContext.Current.CancellationToken));
        Assert.Equal(("cd.zip", "a/b.exe", "Test.Sig", IngestSourceKind.UploadCode, "ABCD"), (row.FileName, row.ZipEntry, row.Signature, row.Source.Kind, row.Source.Name));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ClamAvScannerTests.Eicar)), row.Sha256);
        QuarantinedFile unknown = await factory.WithDb(db => db.QuarantinedFiles.SingleAsync(q => q.Id == new QuarantinedFileId(bare), TestContext.Current.CancellationToken));
        Assert.Equal(("unknown", 3L), (unknown.FileName, unknown.SizeBytes));
        Assert.Equal(2, await factory.WithDb(db => db.AuditEntries.CountAsync(a => a.Action == "Upload.Quarantined", TestContext.Current.CancellationToken)));
    }
}
