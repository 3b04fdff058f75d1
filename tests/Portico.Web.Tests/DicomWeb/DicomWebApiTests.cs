using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Portico.Index.Access;
using Xunit;

namespace Portico.Web.Tests.DicomWeb;

/// <summary>
/// DICOMweb at /api/dicomweb: STOW-RS through the ingest pipeline, QIDO-RS with C-FIND's matching, WADO-RS of the
/// stored bytes and their metadata, and what each refuses. Orthanc's DICOMweb client drives the same endpoints in
/// <see cref="DicomWebOrthancTests"/>.
/// </summary>
public sealed class DicomWebApiTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private const string Root = "/api/dicomweb";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stow_TwoFilesAndAPartThatIsNotDicom_StoresTheFilesAndSaysWhichFailed()
    {
        byte[] ct = TestFiles.WithNewUids("CT_small.dcm", out string ctStudy, out string ctSop);
        byte[] mr = TestFiles.WithNewUids("MR_small.dcm", out _, out string mrSop);
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PostAsync(Root + "/studies", Multipart(ct, mr, "not a DICOM file"u8.ToArray()), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        JsonElement[] referenced = Items(answer.RootElement, "00081199");
        Assert.Equal([ctSop, mrSop], referenced.Select(i => Text(i, "00081155")));
        Assert.Equal(["1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.4"], referenced.Select(i => Text(i, "00081150")));
        Assert.StartsWith($"http://localhost{Root}/studies/{ctStudy}/series/", Text(referenced[0], "00081190"), StringComparison.Ordinal);
        Assert.EndsWith($"/instances/{ctSop}", Text(referenced[0], "00081190"), StringComparison.Ordinal);
        JsonElement failed = Assert.Single(Items(answer.RootElement, "00081198"));
        Assert.Equal(0xC000, failed.GetProperty("00081197").GetProperty("Value")[0].GetInt32());
        string warning = Assert.Single(response.Headers.GetValues("Warning"));
        Assert.StartsWith("299 portico \"Part 3: ", warning, StringComparison.Ordinal);
        Assert.Contains("not valid DICOM", warning, StringComparison.Ordinal);
        Assert.Equal(ct, await client.GetByteArrayAsync($"/api/instances/{ctSop}/file", Ct));
        Assert.Equal(mr, await client.GetByteArrayAsync($"/api/instances/{mrSop}/file", Ct));
    }

    [Fact]
    public async Task Stow_TheSameFileAgain_IsReferencedAgain_ADifferentFileUnderItsUid_FailsAsDuplicate()
    {
        byte[] first = TestFiles.WithNewUids("CT_small.dcm", out _, out string sop);
        byte[] changed = Portico.Tests.Shared.DicomSamples.WithNewUids("CT_small.dcm", out _, out _, sopInstanceUid: sop);
        using HttpClient client = factory.Admin();
        (await client.PostAsync(Root + "/studies", Multipart(first), Ct)).EnsureSuccessStatusCode();

        using HttpResponseMessage again = await client.PostAsync(Root + "/studies", Multipart(first), Ct);
        using HttpResponseMessage conflict = await client.PostAsync(Root + "/studies", Multipart(changed), Ct);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using JsonDocument againAnswer = JsonDocument.Parse(await again.Content.ReadAsStringAsync(Ct));
        Assert.Equal(sop, Text(Assert.Single(Items(againAnswer.RootElement, "00081199")), "00081155"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using JsonDocument conflictAnswer = JsonDocument.Parse(await conflict.Content.ReadAsStringAsync(Ct));
        JsonElement failed = Assert.Single(Items(conflictAnswer.RootElement, "00081198"));
        Assert.Equal(sop, Text(failed, "00081155"));
        Assert.Equal(0x0111, failed.GetProperty("00081197").GetProperty("Value")[0].GetInt32());
        Assert.Contains("different content", Assert.Single(conflict.Headers.GetValues("Warning")), StringComparison.Ordinal);
        Assert.Equal(first, await client.GetByteArrayAsync($"/api/instances/{sop}/file", Ct));
    }

    [Fact]
    public async Task Stow_ABodyThatBreaksOffInItsSecondPart_KeepsTheFirstAndSaysTheRestFailed()
    {
        byte[] whole = TestFiles.WithNewUids("CT_small.dcm", out _, out string wholeSop);
        byte[] cut = TestFiles.WithNewUids("MR_small.dcm", out _, out string cutSop);
        const string boundary = "cut-boundary";
        using var body = new MemoryStream();
        body.Write(System.Text.Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n"));
        body.Write(whole);
        body.Write(System.Text.Encoding.ASCII.GetBytes($"\r\n--{boundary}\r\nContent-Type: application/dicom\r\n\r\n"));
        body.Write(cut.AsSpan(0, cut.Length / 2));
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={boundary}");
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PostAsync(Root + "/studies", content, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(wholeSop, Text(Assert.Single(Items(answer.RootElement, "00081199")), "00081155"));
        Assert.Single(Items(answer.RootElement, "00081198"));
        Assert.Contains("ended before its last part was complete", Assert.Single(response.Headers.GetValues("Warning")), StringComparison.Ordinal);
        Assert.Equal(whole, await client.GetByteArrayAsync($"/api/instances/{wholeSop}/file", Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/instances/{cutSop}", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("application/dicom", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("multipart/related; type=\"application/dicom+json\"; boundary=b", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("multipart/related; type=\"application/dicom\"", HttpStatusCode.BadRequest)]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=b", HttpStatusCode.BadRequest)]
    public async Task Stow_NotMultipartDicomOrNoPart_IsRefusedWithAProblem(string contentType, HttpStatusCode expected)
    {
        using HttpClient client = factory.Admin();
        using var content = new ByteArrayContent("--b--\r\n"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using HttpResponseMessage response = await client.PostAsync(Root + "/studies", content, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Qido_Studies_MatchLikeCFind_AndCarryTheirRetrieveUrl()
    {
        string name = "QIDO" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        string study = await StoreAsync("CT_small.dcm", ds =>
        {
            ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, name + "^ANNA");
            ds.AddOrUpdate(DicomTags.StudyDate, DicomVR.DA, "20240315");
        });
        string other = await StoreAsync("CT_small.dcm", ds => ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, name + "^BERT"));
        using HttpClient client = factory.Admin();

        JsonElement[] byName = await SearchAsync(client, $"/studies?PatientName={name}^A*");
        JsonElement[] byDate = await SearchAsync(client, $"/studies?00100010={name}*&StudyDate=20240301-20240331&ModalitiesInStudy=CT");
        JsonElement[] byUids = await SearchAsync(client, $"/studies?StudyInstanceUID={study},{other}");
        JsonElement[] none = await SearchAsync(client, $"/studies?PatientName={name}^Z*");

        JsonElement match = Assert.Single(byName);
        Assert.Equal(study, Text(match, "0020000D"));
        Assert.Equal(name + "^ANNA", match.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
        Assert.Equal($"http://localhost{Root}/studies/{study}", Text(match, "00081190"));
        Assert.Equal(1, match.GetProperty("00201208").GetProperty("Value")[0].GetInt32());
        Assert.False(match.TryGetProperty("00080052", out _), "Query/Retrieve Level is C-FIND's, not QIDO's");
        Assert.Equal([study], byDate.Select(m => Text(m, "0020000D")));
        Assert.Equal(new[] { study, other }.Order(StringComparer.Ordinal), byUids.Select(m => Text(m, "0020000D")).Order(StringComparer.Ordinal));
        Assert.Empty(none);
    }

    [Fact]
    public async Task Qido_LimitAndOffset_PageThroughEveryMatchOnce_AndSayWhenMoreRemain()
    {
        string name = "PAGE" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var studies = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            studies.Add(await StoreAsync("CT_small.dcm", ds => ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, name)));
        }

        using HttpClient client = factory.Admin();
        using HttpResponseMessage first = await client.GetAsync($"{Root}/studies?PatientName={name}&limit=2", Ct);
        using HttpResponseMessage second = await client.GetAsync($"{Root}/studies?PatientName={name}&limit=2&offset=2", Ct);

        string[] firstUids = Uids(await first.Content.ReadAsStringAsync(Ct));
        string[] secondUids = Uids(await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal(2, firstUids.Length);
        Assert.Single(secondUids);
        Assert.Equal(studies.Order(StringComparer.Ordinal), firstUids.Concat(secondUids).Order(StringComparer.Ordinal));
        Assert.Contains("offset=2", Assert.Single(first.Headers.GetValues("Warning")), StringComparison.Ordinal);
        Assert.False(second.Headers.Contains("Warning"));
    }

    [Fact]
    public async Task Qido_SeriesAndInstances_InAStudyAndAcrossStudies()
    {
        string modality = "Q" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        byte[] file = TestFiles.WithNewUids("MR_small.dcm", out string study, out string sop);
        using HttpClient client = factory.Admin();
        (await client.PostAsync(Root + "/studies", Multipart(file), Ct)).EnsureSuccessStatusCode();

        JsonElement series = Assert.Single(await SearchAsync(client, $"/studies/{study}/series"));
        string seriesUid = Text(series, "0020000E");
        JsonElement instance = Assert.Single(await SearchAsync(client, $"/studies/{study}/series/{seriesUid}/instances"));
        JsonElement inStudy = Assert.Single(await SearchAsync(client, $"/studies/{study}/instances?includefield=00080060"));
        JsonElement acrossStudies = Assert.Single(await SearchAsync(client, $"/instances?SOPInstanceUID={sop}"));
        JsonElement allSeries = Assert.Single(await SearchAsync(client, $"/series?StudyInstanceUID={study}&Modality=MR"));

        Assert.Equal("MR", Text(series, "00080060"));
        Assert.Equal($"http://localhost{Root}/studies/{study}/series/{seriesUid}", Text(series, "00081190"));
        Assert.Equal(sop, Text(instance, "00080018"));
        Assert.Equal("1.2.840.10008.5.1.4.1.1.4", Text(instance, "00080016"));
        Assert.Equal($"http://localhost{Root}/studies/{study}/series/{seriesUid}/instances/{sop}", Text(instance, "00081190"));
        Assert.Equal(seriesUid, Text(inStudy, "0020000E"));
        Assert.Equal("MR", Text(inStudy, "00080060"));
        Assert.Equal(study, Text(acrossStudies, "0020000D"));
        Assert.Equal(seriesUid, Text(allSeries, "0020000E"));
        Assert.Empty(await SearchAsync(client, $"/series?StudyInstanceUID={study}&Modality={modality}"));
    }

    [Theory]
    [InlineData("/studies?NoSuchAttribute=1", "'NoSuchAttribute' is not a DICOM attribute")]
    [InlineData("/studies?StudyDate=2024", "not a valid date")]
    [InlineData("/studies?limit=many", "limit must be one whole number")]
    [InlineData("/studies?offset=-1", "offset must be one whole number")]
    [InlineData("/studies?limit=0", "limit must be at least 1")]
    [InlineData("/studies?00081111.00081150=1.2", "inside sequences is not supported")]
    [InlineData("/studies?PatientName=A&PatientName=B", "PatientName is given more than once")]
    [InlineData("/studies?StudyInstanceUID=1.2.*", "cannot hold wildcards")]
    [InlineData("/studies?SOPInstanceUID=1.2.3", "below the STUDY level")]
    [InlineData("/studies/1.2.3/series?StudyInstanceUID=1.2.4", "differs from the one in the path")]
    public async Task Qido_ABadQuery_IsRefusedWithWhatIsWrong(string query, string expected)
    {
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.GetAsync(Root + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(expected, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Qido_AKeyTheIndexCannotMatch_IsIgnoredWithAWarning()
    {
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.GetAsync($"{Root}/studies?Rows=512&PatientName=NOBODY{Guid.NewGuid():N}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains("not supported for matching and were ignored: Rows", Assert.Single(response.Headers.GetValues("Warning")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wado_StudySeriesAndInstance_AreTheStoredBytes_InMultipartRelated()
    {
        byte[] ct = TestFiles.WithNewUids("CT_small.dcm", out string study, out string sop);
        using HttpClient client = factory.Admin();
        (await client.PostAsync(Root + "/studies", Multipart(ct), Ct)).EnsureSuccessStatusCode();
        string series = Text(Assert.Single(await SearchAsync(client, $"/studies/{study}/series")), "0020000E");

        foreach (string path in new[] { $"/studies/{study}", $"/studies/{study}/series/{series}", $"/studies/{study}/series/{series}/instances/{sop}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Root + path);
            request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
            using HttpResponseMessage response = await client.SendAsync(request, Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            List<(string ContentType, byte[] Body)> parts = await PartsAsync(response);
            (string contentType, byte[] body) = Assert.Single(parts);
            Assert.Equal("application/dicom; transfer-syntax=1.2.840.10008.1.2.1", contentType);
            Assert.Equal(ct, body);
        }
    }

    [Theory]
    [InlineData("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50", "does not transcode")]
    [InlineData("image/jpeg", "pictures at .../rendered")]
    [InlineData("multipart/related; type=\"application/octet-stream\"", "pictures at .../rendered")]
    public async Task Wado_WhatPorticoCannotSend_Is406(string accept, string expected)
    {
        byte[] ct = TestFiles.WithNewUids("CT_small.dcm", out string study, out _);
        using HttpClient client = factory.Admin();
        (await client.PostAsync(Root + "/studies", Multipart(ct), Ct)).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Root}/studies/{study}");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using HttpResponseMessage response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_IsTheDataSetAsDicomJson_WithoutPixelData()
    {
        byte[] mr = TestFiles.WithNewUids("MR_small.dcm", out string study, out string sop);
        using HttpClient client = factory.Admin();
        (await client.PostAsync(Root + "/studies", Multipart(mr), Ct)).EnsureSuccessStatusCode();

        using HttpResponseMessage response = await client.GetAsync($"{Root}/studies/{study}/metadata", Ct);

        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument metadata = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        JsonElement instance = Assert.Single(metadata.RootElement.EnumerateArray());
        Assert.Equal(sop, Text(instance, "00080018"));
        Assert.Equal(64, instance.GetProperty("00280010").GetProperty("Value")[0].GetInt32());
        Assert.False(instance.TryGetProperty("7FE00010", out _));
    }

    /// <summary>Each frame is what pydicom (the third-party reference) cuts from the stored file: native and encapsulated.</summary>
    /// <remarks>
    /// The RLE files carry a Basic Offset Table; a copy without one has one fragment per frame. The "large" copies hold
    /// frames past 64 KiB, which Portico copies from the file as ranges instead of reading them into memory: three
    /// native CT frames of different content, and two fragments of 70,002 bytes behind a rewritten offset table.
    /// </remarks>
    [Theory]
    [InlineData("rtdose.dcm", "15,1,2", "1.2.840.10008.1.2.1", "")]
    [InlineData("SC_rgb_rle_32bit_2frame.dcm", "2,1", "1.2.840.10008.1.2.5", "")]
    [InlineData("SC_rgb_rle_2frame.dcm", "1,2", "1.2.840.10008.1.2.5", "no offset table")]
    [InlineData("JPEG-lossy.dcm", "1", "1.2.840.10008.1.2.4.51", "")]
    [InlineData("CT_small.dcm", "3,1", "1.2.840.10008.1.2.1", "large")]
    [InlineData("SC_rgb_rle_2frame.dcm", "2", "1.2.840.10008.1.2.5", "large")]
    public async Task Frames_AreThoseOfTheStoredFile_AsPydicomCutsThem(string name, string frames, string transferSyntax, string variant)
    {
        byte[] file = Portico.Tests.Shared.DicomSamples.WithNewUids(name, out string study, out string sop, change: ds => Vary(ds, variant));
        using HttpClient client = factory.Admin();
        (await client.PostAsync(Root + "/studies", Multipart(file), Ct)).EnsureSuccessStatusCode();
        string series = Text(Assert.Single(await SearchAsync(client, $"/studies/{study}/series")), "0020000E");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Root}/studies/{study}/series/{series}/instances/{sop}/frames/{frames}");
        request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");

        using HttpResponseMessage response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        List<(string ContentType, byte[] Body)> parts = await PartsAsync(response, "application/octet-stream");
        byte[][] expected = await PydicomFramesAsync(await client.GetByteArrayAsync($"/api/instances/{sop}/file", Ct));
        int[] numbers = [.. frames.Split(',').Select(int.Parse)];
        Assert.Equal(numbers.Length, parts.Count);
        for (int i = 0; i < numbers.Length; i++)
        {
            Assert.Equal($"application/octet-stream; transfer-syntax={transferSyntax}", parts[i].ContentType);
            Assert.True(expected[numbers[i] - 1].AsSpan().SequenceEqual(parts[i].Body), $"frame {numbers[i]} differs from pydicom's");
        }
    }

    [Theory]
    [InlineData("rtdose_expb.dcm", "1", null, HttpStatusCode.NotAcceptable, "stored big endian")]
    [InlineData("rtdose.dcm", "16", null, HttpStatusCode.NotFound, "There is no frame 16: the instance has 15.")]
    [InlineData("rtdose.dcm", "0", null, HttpStatusCode.BadRequest, "is not a list of frame numbers")]
    [InlineData("rtdose.dcm", "1,x", null, HttpStatusCode.BadRequest, "is not a list of frame numbers")]
    [InlineData("rtplan.dcm", "1", null, HttpStatusCode.NotFound, "has no pixel data")]
    [InlineData("SC_rgb_rle_2frame.dcm", "1", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.1", HttpStatusCode.NotAcceptable, "does not transcode")]
    [InlineData("rtdose.dcm", "1", "image/png", HttpStatusCode.NotAcceptable, "For a picture, ask for")]
    public async Task Frames_ThatCannotBeSent_AreRefusedWithWhy(string name, string frames, string? accept, HttpStatusCode expected, string detail)
    {
        byte[] file = TestFiles.WithNewUids(name, out string study, out string sop);
        using HttpClient client = factory.Admin();
        (await client.PostAsync(Root + "/studies", Multipart(file), Ct)).EnsureSuccessStatusCode();
        string series = Text(Assert.Single(await SearchAsync(client, $"/studies/{study}/series")), "0020000E");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Root}/studies/{study}/series/{series}/instances/{sop}/frames/{frames}");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using HttpResponseMessage response = await client.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/studies/1.2.3", "No study 1.2.3.")]
    [InlineData("/studies/1.2.3/series/1.2.4/metadata", "No series 1.2.4 in study 1.2.3.")]
    [InlineData("/studies/1.2.3/series/1.2.4/instances/1.2.5", "No instance 1.2.5 in series 1.2.4 of study 1.2.3.")]
    public async Task Wado_UnknownUids_Are404WithWhatWasNotFound(string path, string expected)
    {
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.GetAsync(Root + path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(expected, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Permissions_SearchAndRetrieveNeedStudiesView_StoreNeedsStudiesUpload()
    {
        using HttpClient anonymous = factory.CreateClient();
        using HttpClient viewer = factory.ClientWithKey(await factory.CreateKeyAsync(Permissions.StudiesView));
        using HttpClient uploader = factory.ClientWithKey(await factory.CreateKeyAsync(Permissions.StudiesUpload));
        byte[] file = TestFiles.WithNewUids("CT_small.dcm", out _, out string sop);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Root + "/studies", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await uploader.GetAsync(Root + "/studies", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await uploader.GetAsync(Root + "/studies/1.2.3/metadata", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(Root + "/studies", Multipart(file), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await uploader.PostAsync(Root + "/studies", Multipart(file), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"{Root}/instances?SOPInstanceUID={sop}", Ct)).StatusCode);
    }

    private async Task<string> StoreAsync(string name, Action<Portico.Dicom.Data.DicomDataset> change)
    {
        byte[] bytes = Portico.Tests.Shared.DicomSamples.WithNewUids(name, out string study, out _, change: change);
        using HttpClient client = factory.Admin();
        using HttpResponseMessage response = await client.PostAsync(Root + "/studies", Multipart(bytes), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return study;
    }

    private static async Task<JsonElement[]> SearchAsync(HttpClient client, string query)
    {
        using HttpResponseMessage response = await client.GetAsync(Root + query, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return [.. JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task Stow_APartOfAnotherType_IsRefusedAndTheOthersStored()
    {
        byte[] file = TestFiles.WithNewUids("CT_small.dcm", out _, out string sop);
        using MultipartContent content = Multipart(file);
        var json = new ByteArrayContent("[{}]"u8.ToArray());
        json.Headers.ContentType = new MediaTypeHeaderValue("application/dicom+json");
        content.Add(json);
        using HttpClient client = factory.Admin();

        using HttpResponseMessage response = await client.PostAsync(Root + "/studies", content, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(sop, Text(Assert.Single(Items(answer.RootElement, "00081199")), "00081155"));
        Assert.Single(Items(answer.RootElement, "00081198"));
        Assert.Equal("299 portico \"Part 2: Part is not application/dicom.\"", Assert.Single(response.Headers.GetValues("Warning")));
    }

    private static MultipartContent Multipart(params byte[][] files)
    {
        var content = new MultipartContent("related", "part-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (byte[] file in files)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
        }

        return content;
    }

    private static void Vary(Portico.Dicom.Data.DicomDataset dataset, string variant)
    {
        switch (variant, dataset.Find(DicomTags.PixelData))
        {
            case ("no offset table", Portico.Dicom.Data.DicomFragments pixels):
                pixels.Fragments[0] = new Portico.Dicom.Data.DicomFragment(ReadOnlyMemory<byte>.Empty, null);
                break;
            case ("large", Portico.Dicom.Data.DicomFragments pixels):
                const int length = 70_002;
                byte[] table = new byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), 8 + length);
                pixels.Fragments.Clear();
                pixels.Fragments.Add(new Portico.Dicom.Data.DicomFragment(table, null));
                pixels.Fragments.Add(new Portico.Dicom.Data.DicomFragment(Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray(), null));
                pixels.Fragments.Add(new Portico.Dicom.Data.DicomFragment(Enumerable.Range(0, length).Select(i => (byte)(i * 13)).ToArray(), null));
                break;
            case ("large", Portico.Dicom.Data.DicomElement pixels):
                byte[] frame = pixels.Value.ToArray();
                byte[] three = [.. frame, .. frame.Select(b => (byte)~b), .. frame.Reverse()];
                dataset.Add(new Portico.Dicom.Data.DicomElement(DicomTags.PixelData, pixels.VR, three));
                dataset.AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, "3");
                break;
        }
    }

    /// <summary>Every frame of a DICOM file as pydicom reads it (python3-pydicom, installed by scripts/test.sh).</summary>
    private static async Task<byte[][]> PydicomFramesAsync(byte[] file)
    {
        string path = Path.Combine(Path.GetTempPath(), $"portico-frames-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(path, file, Ct);
        try
        {
            const string script = """
                import base64, json, sys
                import pydicom
                from pydicom import encaps
                ds = pydicom.dcmread(sys.argv[1])
                n = int(ds.get("NumberOfFrames", 1) or 1)
                if ds.file_meta.TransferSyntaxUID.is_compressed:
                    frames = list(encaps.generate_pixel_data_frame(ds.PixelData, n))
                else:
                    size = ds.Rows * ds.Columns * ds.SamplesPerPixel * ds.BitsAllocated // 8
                    frames = [ds.PixelData[i * size:(i + 1) * size] for i in range(n)]
                print(json.dumps([base64.b64encode(f).decode() for f in frames]))
                """;
            var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(path);
            using System.Diagnostics.Process python = System.Diagnostics.Process.Start(start)!;
            Task<string> output = python.StandardOutput.ReadToEndAsync(Ct);
            Task<string> errors = python.StandardError.ReadToEndAsync(Ct);
            await python.WaitForExitAsync(Ct);
            Assert.True(python.ExitCode == 0, "pydicom failed: " + await errors);
            return [.. JsonSerializer.Deserialize<string[]>(await output)!.Select(Convert.FromBase64String)];
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<List<(string ContentType, byte[] Body)>> PartsAsync(HttpResponseMessage response, string partType = "application/dicom")
    {
        MediaTypeHeaderValue type = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/related", type.MediaType);
        Assert.Contains(type.Parameters, p => p.Name == "type" && p.Value == $"\"{partType}\"");
        string boundary = type.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var reader = new MultipartReader(boundary, await response.Content.ReadAsStreamAsync(Ct));
        var parts = new List<(string, byte[])>();
        while (await reader.ReadNextSectionAsync(Ct) is { } section)
        {
            using var body = new MemoryStream();
            await section.Body.CopyToAsync(body, Ct);
            parts.Add((section.ContentType!, body.ToArray()));
        }

        return parts;
    }

    private static JsonElement[] Items(JsonElement dataset, string tag) =>
        dataset.TryGetProperty(tag, out JsonElement sequence) ? [.. sequence.GetProperty("Value").EnumerateArray()] : [];

    private static string Text(JsonElement dataset, string tag) => dataset.GetProperty(tag).GetProperty("Value")[0].GetString()!;

    private static string[] Uids(string json) =>
        [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => Text(e, "0020000D"))];
}
