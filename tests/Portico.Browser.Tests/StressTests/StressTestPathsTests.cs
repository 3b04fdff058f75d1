extern alias cli;

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;
using static Microsoft.Playwright.Assertions;
using AgentCommand = cli::Portico.Cli.Commands.AgentCommand;

namespace Portico.Browser.Tests.StressTests;

/// <summary>The same stress test through the dialog, the API and the agent lands on the same study with the same result.</summary>
public sealed class StressTestPathsTests(PorticoServer server, BrowserSession browser) : BrowserTest<PorticoServer>(server, browser)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Sample(string name) => Path.Combine(Repository.Root(), "tests", "TestData", "stress-tests", name);

    /// <summary>Fixture F1 of the samples' README: the patient's staged stress echo, 20 minutes after the test.</summary>
    private async Task<string> StoreStressEchoAsync()
    {
        byte[] bytes = DicomSamples.WithNewUids("CT_small.dcm", out string studyUid, out _, change: ds =>
        {
            ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.6.1");
            ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "US");
            ds.AddOrUpdate(DicomTags.StudyDate, DicomVR.DA, "20240312");
            ds.AddOrUpdate(DicomTags.StudyTime, DicomVR.TM, "100200");
            ds.AddOrUpdate(DicomTags.StudyDescription, DicomVR.LO, "Exercise stress echo");
            ds.AddOrUpdate(DicomTags.StageName, DicomVR.SH, "BASELINE");
            ds.AddOrUpdate(DicomTags.NumberOfStages, DicomVR.IS, "4");
            ds.AddOrUpdate(DicomTags.NumberOfViewsInStage, DicomVR.IS, "4");
            ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, "TESTPATIENT^ALPHA");
            ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, "TEST-000101");
            ds.AddOrUpdate(DicomTags.PatientBirthDate, DicomVR.DA, "19610415");
            ds.AddOrUpdate(DicomTags.PatientSex, DicomVR.CS, "M");
        });
        using HttpClient admin = Server.Admin();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using HttpResponseMessage response = await admin.PostAsync("/api/instances", content, Ct);
        Assert.Contains("\"Stored\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        return studyUid;
    }

    [Fact]
    public async Task Dialog_api_and_agent_land_on_the_patients_stress_echo()
    {
        string echo = await StoreStressEchoAsync();

        // The dialog attaches it to the stress echo.
        IPage page = await SignInAsync();
        await page.GetByLabel("Add studies").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Study from Cardiac Stress Test Data…" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Study from Cardiac Stress Test Data" });
        await dialog.GetByLabel("XML file (required)").SetInputFilesAsync(Sample("cardiosoft_bruce_4stage.xml"));
        await dialog.GetByLabel("PDF report (optional)").SetInputFilesAsync(Sample("stress_report_TEST-000101.pdf"));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create Study" }).ClickAsync();
        await Expect(dialog.Locator("[data-stress-test-result=Attached]")).ToContainTextAsync("attached to the patient's stress echo study");
        await Expect(dialog.GetByRole(AriaRole.Link, new() { Name = "Open the study" })).ToHaveAttributeAsync("href", "/studies/" + echo);

        // The API: the same study, nothing changed.
        using HttpClient admin = Server.Admin();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(await File.ReadAllBytesAsync(Sample("cardiosoft_bruce_4stage.xml"), Ct)), "xml", "test1.xml" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(Sample("stress_report_TEST-000101.pdf"), Ct)), "pdf", "test1.pdf" },
        };
        using HttpResponseMessage response = await admin.PostAsync("/api/stress-tests", form, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("AlreadyImported", answer.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(echo, answer.RootElement.GetProperty("studyInstanceUid").GetString());

        // The agent: the same study, the pair moved to processed/.
        string folder = Directory.CreateTempSubdirectory("portico-agent-").FullName;
        try
        {
            File.Copy(Sample("cardiosoft_bruce_4stage.xml"), Path.Combine(folder, "test1.xml"));
            File.Copy(Sample("stress_report_TEST-000101.pdf"), Path.Combine(folder, "test1.pdf"));
            foreach (string file in Directory.GetFiles(folder))
            {
                File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-1));
            }

            var stdout = new StringWriter();
            int exit = await AgentCommand.RunAsync(["--folder", folder, "--server", Server.BaseAddress.ToString(), "--api-key", PorticoServer.AdminKey, "--once"], stdout, new StringWriter(), Ct);

            Assert.Equal(0, exit);
            string result = Directory.GetFiles(Path.Combine(folder, "processed"), "result.log", SearchOption.AllDirectories).Single();
            Assert.Contains("AlreadyImported study " + echo, await File.ReadAllTextAsync(result, Ct), StringComparison.Ordinal);
            Assert.Equal(3, Directory.GetFiles(Path.GetDirectoryName(result)!).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
