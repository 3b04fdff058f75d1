using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Index.Access;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Web.Tests.DicomWeb;

/// <summary>
/// WADO-RS rendered frames and thumbnails (what the viewer page shows): pictures checked against DCMTK's dcmj2pnm on the
/// stored file, decoded with netpbm's pngtopnm (both installed by scripts/test.sh); the window and viewport parameters;
/// baseline JPEG frames sent as stored; and what is refused, with why.
/// </summary>
public sealed class RenderedTests(PorticoFactory factory) : IClassFixture<PorticoFactory>
{
    private const string Root = "/api/dicomweb";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("CT_small.dcm", "", "+Wm", 1)] // no window in the file: its range of values
    [InlineData("CT_small.dcm", "40,400", "+Ww 40 400", 1)]
    [InlineData("MR_small.dcm", "", "+Wi 1", 1)] // the file's own window
    [InlineData("SC_rgb_rle.dcm", "", "", 1)]
    [InlineData("SC_rgb_jpeg_gdcm.dcm", "", "", 1)] // JPEG Lossless, made by GDCM
    // JPEG extended, 12 bits, which DCMTK decodes with IJG's libjpeg. Lossy: the two decoders' samples agree within one
    // (JpegDctDecoderTests), so each picture's range of values, and the level of a sample, may differ by one more.
    [InlineData("JPEG-lossy.dcm", "", "+Wm", 2)]
    [InlineData("JPGExtended.dcm", "1000,2000", "+Ww 1000 2000", 2)]
    public async Task Rendered_IsThePictureDcmtkDrawsOfTheStoredFile(string name, string window, string dcm2pnmWindow, int levels)
    {
        using HttpClient client = factory.Admin();
        (string study, string series, string sop, byte[] stored) = await StoreAsync(client, name);

        using HttpResponseMessage response = await client.GetAsync($"{InstanceUrl(study, series, sop)}/rendered{(window.Length > 0 ? "?window=" + window : "")}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        ReferenceImages.Pnm ours = await PngToPnmAsync(await response.Content.ReadAsByteArrayAsync(Ct));
        ReferenceImages.Pnm theirs = await Dcm2PnmAsync(stored, dcm2pnmWindow);
        ReferenceImages.AssertWithin(theirs, ours, levels == 1 ? 0 : -levels, levels, $"{name}: Portico against dcm2pnm");
    }

    /// <summary>
    /// A PALETTE COLOR image with 16-bit pixels and tables of 65,536 16-bit entries (128 KiB each, read from the stored
    /// file's header): DCMTK draws the same picture.
    /// </summary>
    [Fact]
    public async Task PaletteColor_IsThePictureDcmtkDraws()
    {
        string directory = ReferenceImages.NewTempDirectory();
        try
        {
            var random = new Random(65536);
            var pixels = new byte[96 * 80 * 2];
            random.NextBytes(pixels);
            string path = PaletteImages.Write(directory, pixels, 96, 80, 16, 0, 0, PaletteEntries.Words16, random);
            using HttpClient client = factory.Admin();
            (string study, string series, string sop, byte[] stored) = await StoreAsync(client, path);

            byte[] png = await client.GetByteArrayAsync($"{InstanceUrl(study, series, sop)}/rendered", Ct);

            ReferenceImages.AssertWithin(await Dcm2PnmAsync(stored, ""), await PngToPnmAsync(png), 0, 0, "PALETTE COLOR, 65,536 entries");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task JpegLs_IsRenderedAsTheNativeImageItCompresses()
    {
        using HttpClient client = factory.Admin();
        (string study, string series, string sop, _) = await StoreAsync(client, "MR_small_jpeg_ls_lossless.dcm");

        byte[] png = await client.GetByteArrayAsync($"{InstanceUrl(study, series, sop)}/rendered", Ct);

        // Lossless: the picture of MR_small.dcm, the same image stored natively, as DCMTK draws it with the file's window.
        AssertClose(await Dcm2PnmAsync(TestFiles.Bytes("MR_small.dcm"), "+Wi 1"), await PngToPnmAsync(png));
    }

    [Fact]
    public async Task Frames_OfAMultiFrameInstance_AreRenderedOneByOne_AndAListOrAFramePastTheLastIsRefused()
    {
        using HttpClient client = factory.Admin();
        (string study, string series, string sop, byte[] stored) = await StoreAsync(client, "SC_rgb_rle_2frame.dcm");
        string url = InstanceUrl(study, series, sop);

        ReferenceImages.Pnm second = await PngToPnmAsync(await client.GetByteArrayAsync($"{url}/frames/2/rendered", Ct));
        ReferenceImages.Pnm first = await PngToPnmAsync(await client.GetByteArrayAsync($"{url}/frames/1/rendered", Ct));

        Assert.Equal((await Dcm2PnmAsync(stored, "", frame: 2)).Pixels, second.Pixels);
        Assert.Equal((await Dcm2PnmAsync(stored, "", frame: 1)).Pixels, first.Pixels);
        Assert.NotEqual(first.Pixels, second.Pixels);
        await ExpectProblemAsync(client, $"{url}/frames/3/rendered", HttpStatusCode.NotFound, "There is no frame 3: the instance has 2.");
        await ExpectProblemAsync(client, $"{url}/frames/1,2/rendered", HttpStatusCode.BadRequest, "is not one frame number");
    }

    [Fact]
    public async Task Viewport_ShrinksThePictureKeepingItsShape_AndAThumbnailIsSmallByDefault()
    {
        using HttpClient client = factory.Admin();
        (string study, string series, string sop, _) = await StoreAsync(client, "CT_small.dcm"); // 128 × 128
        string url = InstanceUrl(study, series, sop);

        Assert.Equal((64, 64), Size(await client.GetByteArrayAsync($"{url}/rendered?viewport=64,100", Ct)));
        Assert.Equal((128, 128), Size(await client.GetByteArrayAsync($"{url}/rendered?viewport=1000,1000", Ct)));
        Assert.Equal((128, 128), Size(await client.GetByteArrayAsync($"{url}/thumbnail", Ct)));
        Assert.Equal((32, 32), Size(await client.GetByteArrayAsync($"{url}/thumbnail?viewport=32,48", Ct)));
        Assert.Equal((48, 48), Size(await client.GetByteArrayAsync($"{Root}/studies/{study}/series/{series}/thumbnail?viewport=48,48", Ct)));
        Assert.Equal((48, 48), Size(await client.GetByteArrayAsync($"{Root}/studies/{study}/thumbnail?viewport=48,48", Ct)));
    }

    [Fact]
    public async Task StudyThumbnail_SkipsASeriesWithoutPictures_SeriesThumbnailIsItsMiddleImage()
    {
        using HttpClient client = factory.Admin();
        string study = UidGenerator.NewUid();
        string reports = UidGenerator.NewUid(), images = UidGenerator.NewUid();
        await StoreAsync(client, "rtplan.dcm", ds => Place(ds, study, reports, seriesNumber: 1, instanceNumber: 1));
        byte[][] mr = new byte[3][];
        for (int i = 0; i < 3; i++)
        {
            int number = i + 1;
            (_, _, _, mr[i]) = await StoreAsync(client, "MR_small.dcm", ds =>
            {
                Place(ds, study, images, seriesNumber: 2, instanceNumber: number);
                // Each image a different picture: its window moved, so the thumbnails tell them apart.
                ds.AddOrUpdate(DicomTags.WindowCenter, DicomVR.DS, (400 + (300 * number)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            });
        }

        byte[] thumbnail = await client.GetByteArrayAsync($"{Root}/studies/{study}/thumbnail?viewport=64,64", Ct);

        AssertClose(await Dcm2PnmAsync(mr[1], "+Wi 1"), await PngToPnmAsync(thumbnail));
        Assert.Equal(thumbnail, await client.GetByteArrayAsync($"{Root}/studies/{study}/series/{images}/thumbnail?viewport=64,64", Ct));
        await ExpectProblemAsync(client, $"{Root}/studies/{study}/series/{reports}/thumbnail", HttpStatusCode.NotFound, "has no pixel data");
    }

    [Fact]
    public async Task BaselineJpeg_IsSentAsStored_WhenNoWindowIsAsked()
    {
        using HttpClient client = factory.Admin();
        (string study, string series, string sop, byte[] stored) = await StoreAsync(client, "SC_rgb_jpeg_dcmtk.dcm");
        string url = InstanceUrl(study, series, sop);

        using HttpResponseMessage response = await client.GetAsync($"{url}/frames/1/rendered", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        byte[] jpeg = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xFF, 0xD8], jpeg[..2]); // start of image
        Assert.True(stored.AsSpan().IndexOf(jpeg) > 0, "the JPEG is not the stored fragment");
        // A colour picture takes no window: still the stored JPEG.
        using HttpResponseMessage windowed = await client.GetAsync($"{url}/rendered?window=40,400", Ct);
        Assert.Equal("image/jpeg", windowed.Content.Headers.ContentType?.MediaType);

        // A client that takes only PNG, or a viewport, gets the frame decoded by Portico: IJG's libjpeg (DCMTK) draws
        // the same picture within one level per sample of its YCbCr conversion (see ColourRenderingTests).
        using var pngOnly = new HttpRequestMessage(HttpMethod.Get, $"{url}/rendered");
        pngOnly.Headers.TryAddWithoutValidation("Accept", "image/png");
        using HttpResponseMessage decoded = await client.SendAsync(pngOnly, Ct);
        Assert.Equal("image/png", decoded.Content.Headers.ContentType?.MediaType);
        ReferenceImages.AssertWithin(await Dcm2PnmAsync(stored, ""), await PngToPnmAsync(await decoded.Content.ReadAsByteArrayAsync(Ct)), -3, 3, "baseline JPEG decoded");
        using HttpResponseMessage small = await client.GetAsync($"{url}/rendered?viewport=50,50", Ct);
        Assert.Equal("image/png", small.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// JPEG 2000, lossless: the picture of MR_small.dcm, the same image stored natively, as DCMTK draws it (DCMTK has no
    /// JPEG 2000 decoder of its own); and a colour YBR_RCT frame made by GDCM, as RGB.
    /// </summary>
    [Fact]
    public async Task Jpeg2000_IsRenderedAsTheNativeImageItCompresses()
    {
        using HttpClient client = factory.Admin();
        (string study, string series, string sop, _) = await StoreAsync(client, "MR_small_jp2klossless.dcm");

        byte[] png = await client.GetByteArrayAsync($"{InstanceUrl(study, series, sop)}/rendered", Ct);

        AssertClose(await Dcm2PnmAsync(TestFiles.Bytes("MR_small.dcm"), "+Wi 1"), await PngToPnmAsync(png));

        (study, series, sop, _) = await StoreAsync(client, "GDCMJ2K_TextGBR.dcm");
        ReferenceImages.Pnm colour = await PngToPnmAsync(await client.GetByteArrayAsync($"{InstanceUrl(study, series, sop)}/rendered", Ct));
        Assert.Equal(3, colour.Channels);
    }

    [Theory]
    [InlineData("MPEG-4 video", "/rendered", null, HttpStatusCode.NotAcceptable, "cannot decode pixel data stored as MPEG-4 AVC/H.264 High Profile")]
    [InlineData("rtdose_expb.dcm", "/rendered", null, HttpStatusCode.NotAcceptable, "stored big endian")]
    [InlineData("rtplan.dcm", "/rendered", null, HttpStatusCode.NotFound, "has no pixel data")]
    [InlineData("CT_small.dcm", "/rendered?window=40", null, HttpStatusCode.BadRequest, "is not center,width[,function]")]
    [InlineData("CT_small.dcm", "/rendered?window=40,0", null, HttpStatusCode.BadRequest, "is not center,width[,function]")]
    [InlineData("CT_small.dcm", "/rendered?window=40,400,cubic", null, HttpStatusCode.BadRequest, "is not center,width[,function]")]
    [InlineData("CT_small.dcm", "/rendered?viewport=0,10", null, HttpStatusCode.BadRequest, "is not width,height")]
    [InlineData("CT_small.dcm", "/rendered?viewport=0,0,10,10", null, HttpStatusCode.BadRequest, "cropping is not supported")]
    [InlineData("CT_small.dcm", "/frames/0/rendered", null, HttpStatusCode.BadRequest, "is not one frame number")]
    [InlineData("CT_small.dcm", "/rendered", "application/dicom", HttpStatusCode.NotAcceptable, "answered as image/png")]
    [InlineData("CT_small.dcm", "/rendered", "image/jpeg", HttpStatusCode.NotAcceptable, "answered as image/png")]
    public async Task Rendered_ThatCannotBeGiven_IsRefusedWithWhy(string name, string path, string? accept, HttpStatusCode expected, string detail)
    {
        using HttpClient client = factory.Admin();
        string? video = name == "MPEG-4 video" ? await AsMpeg4Async("SC_rgb_jpeg_dcmtk.dcm") : null;
        (string study, string series, string sop, _) = await StoreAsync(client, video ?? name);
        if (video is not null)
        {
            File.Delete(video);
        }

        await ExpectProblemAsync(client, InstanceUrl(study, series, sop) + path, expected, detail, accept);
    }

    [Fact]
    public async Task Rendered_CarriesAValidator_AndTheSameRequestAgainIs304()
    {
        using HttpClient client = factory.Admin();
        (string study, string series, string sop, _) = await StoreAsync(client, "CT_small.dcm");
        string url = InstanceUrl(study, series, sop) + "/rendered?window=40,400";
        using HttpResponseMessage first = await client.GetAsync(url, Ct);
        EntityTagHeaderValue etag = first.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        using var otherWindow = new HttpRequestMessage(HttpMethod.Get, InstanceUrl(study, series, sop) + "/rendered?window=40,401");
        otherWindow.Headers.IfNoneMatch.Add(etag);

        using HttpResponseMessage notModified = await client.SendAsync(again, Ct);
        using HttpResponseMessage changed = await client.SendAsync(otherWindow, Ct);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("no-cache", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permissions_PicturesNeedStudiesView()
    {
        using HttpClient admin = factory.Admin();
        (string study, string series, string sop, _) = await StoreAsync(admin, "CT_small.dcm");
        using HttpClient anonymous = factory.CreateClient();
        using HttpClient uploader = factory.ClientWithKey(await factory.CreateKeyAsync(Permissions.StudiesUpload));
        using HttpClient viewer = factory.ClientWithKey(await factory.CreateKeyAsync(Permissions.StudiesView));

        foreach (string path in new[] { InstanceUrl(study, series, sop) + "/rendered", InstanceUrl(study, series, sop) + "/thumbnail", $"{Root}/studies/{study}/thumbnail" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await uploader.GetAsync(path, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(path, Ct)).StatusCode);
        }
    }

    /// <summary>The same picture: DCMTK truncates a window's output where Portico rounds, so ours may be one level above.</summary>
    private static void AssertClose(ReferenceImages.Pnm theirs, ReferenceImages.Pnm ours) =>
        ReferenceImages.AssertWithin(theirs, ours, 0, 1, "Portico against dcm2pnm");

    private static string InstanceUrl(string study, string series, string sop) => $"{Root}/studies/{study}/series/{series}/instances/{sop}";

    private static void Place(DicomDataset ds, string study, string series, int seriesNumber, int instanceNumber)
    {
        ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
        ds.AddOrUpdate(DicomTags.SeriesNumber, DicomVR.IS, seriesNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ds.AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, instanceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Stores a copy of a pydicom sample with new UIDs; returns its UIDs and bytes.</summary>
    private static async Task<(string Study, string Series, string Sop, byte[] Bytes)> StoreAsync(HttpClient client, string name, Action<DicomDataset>? change = null)
    {
        string study = "";
        string series = "";
        byte[] bytes = DicomSamples.WithNewUids(name, out _, out string sop, change: ds =>
        {
            change?.Invoke(ds);
            series = ds.GetString(DicomTags.SeriesInstanceUID)!.TrimEnd('\0', ' ');
            study = ds.GetString(DicomTags.StudyInstanceUID)!.TrimEnd('\0', ' ');
        });
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using HttpResponseMessage response = await client.PostAsync("/api/instances", content, Ct);
        string answer = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK && answer.Contains("\"Stored\"", StringComparison.Ordinal), answer);
        return (study, series, sop, bytes);
    }

    private static async Task ExpectProblemAsync(HttpClient client, string url, HttpStatusCode expected, string detail, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using HttpResponseMessage response = await client.SendAsync(request, Ct);
        string body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{url}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(body);
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A pydicom file whose encapsulated pixel data is declared MPEG-4 AVC/H.264 (a cine loop as ultrasound carts send
    /// it, which Portico stores but does not decode), written to a temp file.
    /// </summary>
    private static async Task<string> AsMpeg4Async(string name)
    {
        DicomFile file = DicomFile.Open(DicomSamples.Pydicom(name), new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        string path = Path.Combine(Path.GetTempPath(), $"portico-mpeg4-{Guid.NewGuid():N}.dcm");
        await DicomFileWriter.WriteAsync(new DicomFile(new DicomDataset(), file.Dataset, TransferSyntax.FromUid(DicomUids.MPEG4HP41)), path, cancellationToken: Ct);
        return path;
    }

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    private static (int, int) Size(byte[] png) => (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

    /// <summary>DCMTK's dcm2pnm picture of a file.</summary>
    private static async Task<ReferenceImages.Pnm> Dcm2PnmAsync(byte[] file, string window, int frame = 1)
    {
        string path = Path.Combine(Path.GetTempPath(), $"portico-rendered-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(path, file, Ct);
        try
        {
            return ReferenceImages.Dcm2Pnm(path, ["+F", frame.ToString(System.Globalization.CultureInfo.InvariantCulture), .. window.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>netpbm's decoding of a PNG: a decoder that is not Portico's.</summary>
    private static Task<ReferenceImages.Pnm> PngToPnmAsync(byte[] png) => Task.FromResult(ReferenceImages.PngToPnm(png));
}
