using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Portico.Web.Tests.Scanning;
using Xunit;
using static Portico.Web.Tests.UploadPortal.PortalHarness;

namespace Portico.Web.Tests.UploadPortal;

/// <summary>
/// A portal session against the real clamd of scripts/test.sh, scanning required: the clean file is stored, the ZIP with
/// EICAR inside a ZIP inside it is quarantined whole and none of its files reaches the index.
/// </summary>
public sealed class PortalRealScannerTests : IAsyncDisposable
{
    private readonly PortalHarness _portal = new(ClamAvScannerTests.ClamdAddress);

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task An_infected_zip_is_quarantined_and_nothing_of_it_is_ingested_while_the_clean_file_is_stored()
    {
        using HttpClient browser = await _portal.OpenSessionAsync();
        byte[] clean = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out string cleanSop);
        byte[] zipped = DicomSamples.WithNewUids("CT_small.dcm", out _, out string zippedSop, change: ds => ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid));
        byte[] inner = Zip(("readme.com", ClamAvScannerTests.Eicar));
        byte[] outer = Zip(("DICOM/IM0001", zipped), ("EXTRAS/tools.zip", inner));
        Assert.Equal(HttpStatusCode.OK, (await ManifestAsync(browser, Manifest([Study(studyUid, 2)]))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadDicomAsync(browser, clean, "IM0000")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await UploadAsync(browser, outer, Metadata(("filename", "cd.zip"), ("kind", "zip")))).StatusCode);

        await FinishAsync(browser);
        JsonElement done = await WaitForStateAsync(browser, "Completed");

        JsonElement[] files = [.. done.GetProperty("files").EnumerateArray()];
        Assert.Equal("Stored", files.Single(f => f.GetProperty("file").GetString() == "IM0000").GetProperty("status").GetString());
        JsonElement infected = files.Single(f => f.GetProperty("status").GetString() == "Infected");
        Assert.Equal("The file was refused: malware was found in it.", infected.GetProperty("reason").GetString());
        Assert.DoesNotContain("EICAR", done.GetRawText(), StringComparison.OrdinalIgnoreCase); // the signature is for staff only
        Assert.True(await _portal.WithDbAsync(db => db.Instances.AnyAsync(i => i.SopInstanceUid == cleanSop, Ct)));
        Assert.False(await _portal.WithDbAsync(db => db.Instances.AnyAsync(i => i.SopInstanceUid == zippedSop, Ct)));
        Assert.Equal(1, await _portal.WithDbAsync(db => db.QuarantinedFiles.CountAsync(Ct)));
        Assert.True(await _portal.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "Upload.Quarantined", Ct)));
    }

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] bytes) in entries)
            {
                using Stream entry = archive.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }

        return buffer.ToArray();
    }
}
