using System.Net.Sockets;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Scu;
using Portico.Dicom.Network.Services;
using Portico.Dicom.Values;

namespace Portico.Dicom.Network.Tests.Scu;

/// <summary>DicomClient against DCMTK storescp, a real peer: echo, store (as is, converted, big), rejection, failures.</summary>
public sealed class DicomClientTests : IDisposable
{
    private const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "portico-scu-tests-" + Guid.NewGuid().ToString("N"));

    public DicomClientTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DicomClientOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        CalledAETitle = "STORESCP",
        CallingAETitle = "PORTICOTEST",
    };

    private static string Pydicom(string name)
    {
        string path = Path.Combine(PydicomTestFiles, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run scripts/test.sh, which installs python3-pydicom.");
    }

    [Fact]
    public async Task EchoAsync_Storescp_SucceedsAndReleases()
    {
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "-v");

        await using (DicomClientAssociation association = await DicomClient.ConnectAsync(Options(scp.Port), [DicomClient.VerificationContext], Ct))
        {
            Assert.Single(association.AcceptedContexts);
            DimseResult result = await association.EchoAsync(Ct);
            Assert.Equal(DimseStatus.Success, result.Status);
            Assert.Equal(DimseStatus.Success, (await association.EchoAsync(Ct)).Status);
            await association.ReleaseAsync(Ct);
            Assert.False(association.IsUsable);
        }

        Assert.True(await scp.PrintedAsync("Association Release", Ct), scp.Output);
    }

    [Fact]
    public async Task StoreAsync_UncompressedFiles_StorescpReceivesIdenticalDataSets()
    {
        string[] files = [Pydicom("CT_small.dcm"), Pydicom("rtplan.dcm"), Pydicom("MR_small_bigendian.dcm")];
        // +xb: storescp picks from its own preference list; with big endian first it keeps the big endian file as it is.
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "+xb");
        List<Part10Header> headers = [];
        foreach (string file in files)
        {
            headers.Add(await ReadHeaderAsync(file));
        }

        await using (DicomClientAssociation association = await DicomClient.ConnectAsync(
            Options(scp.Port), DicomClient.ProposeFor(headers.Select(h => (h.SopClassUid, h.TransferSyntaxUid))), Ct))
        {
            foreach (string file in files)
            {
                DimseResult result = await association.StoreAsync(file, Ct);
                Assert.True(result.Status == DimseStatus.Success, $"{file}: 0x{result.Status:X4} {result.ErrorComment}");
            }
        }

        for (int i = 0; i < files.Length; i++)
        {
            string received = scp.FileFor(headers[i].SopInstanceUid);
            Assert.Equal(headers[i].TransferSyntaxUid, (await ReadHeaderAsync(received)).TransferSyntaxUid);
            Assert.Equal(await DataSetBytesAsync(files[i]), await DataSetBytesAsync(received));
        }
    }

    [Fact]
    public async Task StoreAsync_CompressedFile_IsSentAsIs()
    {
        string file = Pydicom("SC_rgb_jpeg_dcmtk.dcm");
        Part10Header header = await ReadHeaderAsync(file);
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "+xa");

        await using (DicomClientAssociation association = await DicomClient.ConnectAsync(Options(scp.Port), DicomClient.ProposeFor([(header.SopClassUid, header.TransferSyntaxUid)]), Ct))
        {
            await using FileStream stream = File.OpenRead(file);
            Assert.Equal(DimseStatus.Success, (await association.StoreAsync(stream, Ct)).Status);
        }

        string received = scp.FileFor(header.SopInstanceUid);
        Assert.Equal(header.TransferSyntaxUid, (await ReadHeaderAsync(received)).TransferSyntaxUid);
        Assert.Equal(await DataSetBytesAsync(file), await DataSetBytesAsync(received));
    }

    [Fact]
    public async Task StoreAsync_CompressedSyntaxRefused_Returns0122AndTheAssociationStaysUsable()
    {
        string file = Pydicom("SC_rgb_jpeg_dcmtk.dcm");
        Part10Header header = await ReadHeaderAsync(file);
        Assert.Single(DicomClient.ProposeFor([(header.SopClassUid, header.TransferSyntaxUid)])[0].TransferSyntaxes);
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct); // uncompressed syntaxes only

        PresentationContextRequest[] contexts = [.. DicomClient.ProposeFor([(header.SopClassUid, header.TransferSyntaxUid)]), DicomClient.VerificationContext with { Id = 3 }];
        await using DicomClientAssociation association = await DicomClient.ConnectAsync(Options(scp.Port), contexts, Ct);
        DimseResult result = await association.StoreAsync(file, Ct);

        Assert.Equal(DimseStatus.SopClassNotSupported, result.Status);
        Assert.Contains(header.TransferSyntaxUid, result.ErrorComment, StringComparison.Ordinal);
        Assert.Contains(association.ContextResults, c => c.Id == 1 && c.Result == PresentationContextResult.TransferSyntaxesNotSupported);
        Assert.Equal(DimseStatus.Success, (await association.EchoAsync(Ct)).Status);
        Assert.Empty(scp.Files());
    }

    [Fact]
    public async Task StoreAsync_ScpAcceptsImplicitOnly_ConvertsExplicitAndBigEndianDataSets()
    {
        string explicitFile = Pydicom("CT_small.dcm");
        string bigEndianFile = Pydicom("MR_small_bigendian.dcm");
        Part10Header explicitHeader = await ReadHeaderAsync(explicitFile);
        Part10Header bigEndianHeader = await ReadHeaderAsync(bigEndianFile);
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "+xi");

        IReadOnlyList<PresentationContextRequest> contexts = DicomClient.ProposeFor([
            (explicitHeader.SopClassUid, explicitHeader.TransferSyntaxUid),
            (bigEndianHeader.SopClassUid, bigEndianHeader.TransferSyntaxUid),
            (bigEndianHeader.SopClassUid, TransferSyntax.ImplicitVRLittleEndian.Uid)]);
        await using (DicomClientAssociation association = await DicomClient.ConnectAsync(Options(scp.Port), contexts, Ct))
        {
            Assert.Equal(DimseStatus.Success, (await association.StoreAsync(explicitFile, Ct)).Status);
            // A stream that cannot seek is spooled to a temporary file before it is converted.
            await using var nonSeekable = new NonSeekableStream(File.OpenRead(bigEndianFile));
            DimseResult result = await association.StoreAsync(nonSeekable, Ct);
            Assert.True(result.Status == DimseStatus.Success, $"0x{result.Status:X4} {result.ErrorComment}");
        }

        foreach ((string original, Part10Header header) in new[] { (explicitFile, explicitHeader), (bigEndianFile, bigEndianHeader) })
        {
            string received = scp.FileFor(header.SopInstanceUid);
            DicomFile sent = await DicomFile.OpenAsync(original, cancellationToken: Ct);
            DicomFile got = await DicomFile.OpenAsync(received, cancellationToken: Ct);
            Assert.Equal(TransferSyntax.ImplicitVRLittleEndian, got.TransferSyntax);
            Assert.Equal(sent.Dataset.GetString(DicomTags.PatientName), got.Dataset.GetString(DicomTags.PatientName));
            Assert.Equal(sent.Dataset.GetValue<ushort>(DicomTags.Rows), got.Dataset.GetValue<ushort>(DicomTags.Rows));
            Assert.Equal(sent.Dataset.Count, got.Dataset.Count);
            Assert.Equal(sent.PixelDataLength, got.PixelDataLength);
        }
    }

    [Fact]
    public async Task StoreAsync_BigFile_IsStreamedInPdusOfThePeersMaximum()
    {
        string file = Path.Combine(_dir, "big.dcm");
        await WriteBigFileAsync(file, side: 1024); // 2 MiB of pixel data: 512+ PDVs of 4 KiB
        Part10Header header = await ReadHeaderAsync(file);
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "-pdu", "4096");

        await using (DicomClientAssociation association = await DicomClient.ConnectAsync(Options(scp.Port), DicomClient.ProposeFor([(header.SopClassUid, header.TransferSyntaxUid)]), Ct))
        {
            Assert.Equal(4096u, association.PeerMaxPduLength);
            DimseResult result = await association.StoreAsync(file, Ct);
            Assert.True(result.Status == DimseStatus.Success, $"0x{result.Status:X4} {result.ErrorComment} {scp.Output}");
        }

        Assert.Equal(await DataSetBytesAsync(file), await DataSetBytesAsync(scp.FileFor(header.SopInstanceUid)));
    }

    [Fact]
    public async Task StoreAsync_NotPart10_ThrowsAndTheAssociationStaysUsable()
    {
        string file = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(file, "not DICOM", Ct);
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct);
        await using DicomClientAssociation association = await DicomClient.ConnectAsync(Options(scp.Port), [DicomClient.VerificationContext], Ct);

        await Assert.ThrowsAsync<DicomFormatException>(() => association.StoreAsync(file, Ct));

        Assert.True(association.IsUsable);
        Assert.Equal(DimseStatus.Success, (await association.EchoAsync(Ct)).Status);
    }

    [Fact]
    public async Task ConnectAsync_ScpRefuses_ThrowsRejectedWithResultSourceAndReason()
    {
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "--refuse");

        var ex = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.ConnectAsync(Options(scp.Port), [DicomClient.VerificationContext], Ct));

        Assert.Equal(RejectResult.RejectedPermanent, ex.Result);
        Assert.Equal(RejectSource.ServiceUser, ex.RejectSource);
        Assert.StartsWith("Association rejected (permanent) by the service user: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_ClosedPort_ThrowsSocketException()
    {
        int port;
        using (var listener = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var ex = await Assert.ThrowsAsync<SocketException>(() => DicomClient.ConnectAsync(Options(port), [DicomClient.VerificationContext], Ct));

        Assert.Equal(SocketError.ConnectionRefused, ex.SocketErrorCode);
    }

    [Fact]
    public async Task TlsAnonymous_ServerTrustedThroughTheGivenAuthority_EchoesAndStores()
    {
        using var certificates = new TestCertificates(Path.Combine(_dir, "tls"));
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "+tls", certificates.ServerKeyPem, certificates.ServerCertificatePem, "-pw", "-ic");
        string file = Pydicom("CT_small.dcm");
        Part10Header header = await ReadHeaderAsync(file);
        DicomClientOptions options = Options(scp.Port) with { UseTls = true, TrustedCertificateAuthorities = [certificates.Authority] };
        PresentationContextRequest[] contexts = [DicomClient.VerificationContext, .. DicomClient.ProposeFor([(header.SopClassUid, header.TransferSyntaxUid)]).Select(c => c with { Id = 3 })];

        await using (DicomClientAssociation association = await DicomClient.ConnectAsync(options, contexts, Ct))
        {
            Assert.Equal(DimseStatus.Success, (await association.EchoAsync(Ct)).Status);
            Assert.Equal(DimseStatus.Success, (await association.StoreAsync(file, Ct)).Status);
        }

        Assert.Equal(await DataSetBytesAsync(file), await DataSetBytesAsync(scp.FileFor(header.SopInstanceUid)));
    }

    [Fact]
    public async Task TlsClientCertificate_ScpRequiresOne_EchoesWithItAndFailsWithout()
    {
        using var certificates = new TestCertificates(Path.Combine(_dir, "tls"));
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(
            Ct, "+tls", certificates.ServerKeyPem, certificates.ServerCertificatePem, "-pw", "-rc", "+cf", certificates.AuthorityPem);
        DicomClientOptions anonymous = Options(scp.Port) with { UseTls = true, TrustedCertificateAuthorities = [certificates.Authority] };

        await using (DicomClientAssociation association = await DicomClient.ConnectAsync(anonymous with { ClientCertificate = certificates.Client }, [DicomClient.VerificationContext], Ct))
        {
            Assert.Equal(DimseStatus.Success, (await association.EchoAsync(Ct)).Status);
        }

        Exception failure = await Assert.ThrowsAnyAsync<Exception>(() => DicomClient.ConnectAsync(anonymous, [DicomClient.VerificationContext], Ct));
        Assert.True(failure is IOException or System.Security.Authentication.AuthenticationException, failure.ToString());
    }

    [Fact]
    public async Task Tls_ServerNotSignedByTheGivenAuthority_ThrowsAuthenticationException()
    {
        using var certificates = new TestCertificates(Path.Combine(_dir, "tls"));
        using var other = new TestCertificates(Path.Combine(_dir, "other"));
        await using DcmtkScp scp = await DcmtkScp.StartStoreScpAsync(Ct, "+tls", certificates.ServerKeyPem, certificates.ServerCertificatePem, "-pw", "-ic");
        DicomClientOptions options = Options(scp.Port) with { UseTls = true, TrustedCertificateAuthorities = [other.Authority] };

        await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => DicomClient.ConnectAsync(options, [DicomClient.VerificationContext], Ct));
    }

    [Fact]
    public void ProposeFor_Pairs_OneContextPerDistinctPairWithOddIdsAndFallbacks()
    {
        const string ct = "1.2.840.10008.5.1.4.1.1.2";
        const string mr = "1.2.840.10008.5.1.4.1.1.4";
        const string jpeg = "1.2.840.10008.1.2.4.50";
        string explicitLE = TransferSyntax.ExplicitVRLittleEndian.Uid;
        string implicitLE = TransferSyntax.ImplicitVRLittleEndian.Uid;
        string bigEndian = TransferSyntax.ExplicitVRBigEndian.Uid;

        IReadOnlyList<PresentationContextRequest> contexts = DicomClient.ProposeFor([
            (ct, explicitLE), (ct, explicitLE + "\0"), (ct, implicitLE), (mr, bigEndian), (mr, jpeg), (ct, explicitLE)]);

        Assert.Equal([1, 3, 5, 7], contexts.Select(c => (int)c.Id));
        Assert.Equal([explicitLE, implicitLE], contexts[0].TransferSyntaxes);
        Assert.Equal([implicitLE], contexts[1].TransferSyntaxes);
        Assert.Equal([bigEndian, explicitLE], contexts[2].TransferSyntaxes);
        Assert.Equal([jpeg], contexts[3].TransferSyntaxes); // compressed: sent as is or not at all
        Assert.Equal(mr, contexts[3].AbstractSyntax);
    }

    [Fact]
    public void ProposeFor_MoreThan128Pairs_Throws()
    {
        var pairs = Enumerable.Range(1, 129).Select(i => ($"1.2.3.{i}", TransferSyntax.ExplicitVRLittleEndian.Uid));

        Assert.Equal(255, DicomClient.ProposeFor(pairs.Take(128))[^1].Id);
        Assert.Throws<ArgumentException>(() => DicomClient.ProposeFor(pairs));
    }

    private static async Task<Part10Header> ReadHeaderAsync(string path)
    {
        (Part10Header header, Stream stream) = await Part10Header.OpenAsync(path, Ct);
        await stream.DisposeAsync();
        return header;
    }

    private static async Task<byte[]> DataSetBytesAsync(string path)
    {
        (_, Stream stream) = await Part10Header.OpenAsync(path, Ct);
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, Ct);
            return copy.ToArray();
        }
    }

    private static async Task WriteBigFileAsync(string path, int side)
    {
        DicomFile file = await DicomFile.OpenAsync(Pydicom("CT_small.dcm"), new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 }, Ct);
        file.Dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.826.0.1.3680043.10.1234." + Random.Shared.Next(1, int.MaxValue));
        file.Meta.Remove(DicomTags.MediaStorageSOPInstanceUID);
        file.Dataset.AddOrUpdate(DicomTags.Rows, DicomVR.US, (ushort)side);
        file.Dataset.AddOrUpdate(DicomTags.Columns, DicomVR.US, (ushort)side);
        ushort[] pixels = new ushort[side * side];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (ushort)(i * 7);
        }
        file.Dataset.AddOrUpdate(DicomTags.PixelData, DicomVR.OW, pixels.AsSpan());
        await DicomFileWriter.WriteAsync(file, path, cancellationToken: Ct);
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
