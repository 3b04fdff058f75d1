using System.Text.Json;
using Microsoft.Playwright;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Browser.Tests.DicomWeb;

/// <summary>
/// dicomweb-client, the DICOMweb library OHIF Viewer is built on (npm, tests/dicomweb-client, installed by
/// scripts/test.sh), run in Chromium on a page of a signed-in user, as a viewer served beside Portico would run:
/// the session cookie is its credential. It stores a file, searches for it at each level, reads its metadata,
/// retrieves it and retrieves its frame (what a viewer renders).
/// </summary>
public sealed class DicomWebClientTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private sealed record Report(int Studies, string StudyUid, string SeriesUid, string SopUid, string MetadataSopUid, string PatientName, string Instance, string[] Frames);

    [Fact]
    public async Task The_library_OHIF_uses_stores_searches_and_retrieves_instances_and_frames_through_Portico()
    {
        string name = "WEBCLIENT" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        byte[] file = DicomSamples.WithNewUids("MR_small.dcm", out string studyUid, out string sopUid, change: ds =>
            ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, name + "^VIEWER"));
        IPage page = await SignInAsync();
        await page.AddScriptTagAsync(new() { Path = Script() });

        string json = await page.EvaluateAsync<string>(
            """
            async ({ dicom, name }) => {
              const client = new DICOMwebClient.api.DICOMwebClient({ url: location.origin + '/api/dicomweb' });
              const bytes = Uint8Array.from(atob(dicom), c => c.charCodeAt(0));
              await client.storeInstances({ datasets: [bytes.buffer] });
              const studies = await client.searchForStudies({ queryParams: { PatientName: name + '*' } });
              const study = studies[0]['0020000D'].Value[0];
              const series = (await client.searchForSeries({ studyInstanceUID: study }))[0]['0020000E'].Value[0];
              const instances = await client.searchForInstances({ studyInstanceUID: study, seriesInstanceUID: series });
              const sop = instances[0]['00080018'].Value[0];
              const metadata = await client.retrieveStudyMetadata({ studyInstanceUID: study });
              const instance = new Uint8Array(await client.retrieveInstance({ studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop }));
              const frames = await client.retrieveInstanceFrames({ studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop, frameNumbers: [1] });
              const base64 = bytes => { let binary = ''; new Uint8Array(bytes).forEach(b => binary += String.fromCharCode(b)); return btoa(binary); };
              return JSON.stringify({
                studies: studies.length, studyUid: study, seriesUid: series, sopUid: sop,
                metadataSopUid: metadata[0]['00080018'].Value[0],
                patientName: metadata[0]['00100010'].Value[0].Alphabetic,
                instance: base64(instance),
                frames: frames.map(base64),
              });
            }
            """,
            new { dicom = Convert.ToBase64String(file), name });

        Report report = JsonSerializer.Deserialize<Report>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(1, report.Studies);
        Assert.Equal(studyUid, report.StudyUid);
        Assert.Equal(sopUid, report.SopUid);
        Assert.Equal(sopUid, report.MetadataSopUid);
        Assert.Equal(name + "^VIEWER", report.PatientName);
        Assert.Equal(file, Convert.FromBase64String(report.Instance));
        // MR_small: one native frame of 64 × 64 16-bit pixels, the value of Pixel Data (7FE0,0010) OW, explicit VR
        // little endian: after its tag, VR, two reserved bytes and the 4-byte length (trailing padding follows it).
        byte[] frame = Convert.FromBase64String(Assert.Single(report.Frames));
        int header = file.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'W', 0, 0]);
        Assert.True(header > 0, "no Pixel Data element in the file");
        Assert.Equal(64 * 64 * 2, BitConverter.ToInt32(file, header + 8));
        Assert.Equal(file.AsSpan(header + 12, 64 * 64 * 2).ToArray(), frame);
    }

    private static string Script()
    {
        string script = Path.Combine(Repository.Root(), "tests", "dicomweb-client", "node_modules", "dicomweb-client", "build", "dicomweb-client.js");
        return File.Exists(script)
            ? script
            : throw new InvalidOperationException($"{script} is missing: run scripts/test.sh, or npm ci --prefix tests/dicomweb-client.");
    }
}
