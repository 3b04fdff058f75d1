using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Scu;
using Portico.Dicom.Network.Services;
using Portico.Dicom.Values;

namespace Portico.Dicom.Network.Tests.Scu;

/// <summary>DicomClient C-STORE, C-FIND and C-MOVE against DCMTK dcmqrscp, moving to DCMTK storescp.</summary>
public sealed class DicomClientQueryRetrieveTests
{
    private const string StudyRootFind = "1.2.840.10008.5.1.4.1.2.2.1";
    private const string StudyRootMove = "1.2.840.10008.5.1.4.1.2.2.2";
    private const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindAndMove_Dcmqrscp_FindsTheStoredStudiesAndMovesOneToStorescp()
    {
        string ct = Path.Combine(PydicomTestFiles, "CT_small.dcm");
        string mr = Path.Combine(PydicomTestFiles, "MR_small.dcm");
        Part10Header ctHeader = await ReadHeaderAsync(ct);
        Part10Header mrHeader = await ReadHeaderAsync(mr);
        await using DcmtkScp destination = await DcmtkScp.StartStoreScpAsync(Ct);
        await using DcmtkScp archive = await DcmtkScp.StartQueryRetrieveScpAsync("STORESCP", destination.Port, Ct);
        IReadOnlyList<PresentationContextRequest> storage = DicomClient.ProposeFor([(ctHeader.SopClassUid, ctHeader.TransferSyntaxUid), (mrHeader.SopClassUid, mrHeader.TransferSyntaxUid)]);
        PresentationContextRequest[] contexts =
        [
            .. storage,
            new PresentationContextRequest(101, StudyRootFind, ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]),
            new PresentationContextRequest(103, StudyRootMove, ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]),
        ];
        var options = new DicomClientOptions { Host = "127.0.0.1", Port = archive.Port, CalledAETitle = "QRSCP", CallingAETitle = "PORTICOTEST" };

        await using DicomClientAssociation association = await DicomClient.ConnectAsync(options, contexts, Ct);
        Assert.Equal(16384u, association.PeerMaxPduLength);
        Assert.Equal(DimseStatus.Success, (await association.StoreAsync(ct, Ct)).Status);
        Assert.Equal(DimseStatus.Success, (await association.StoreAsync(mr, Ct)).Status);

        var query = new DicomDataset();
        query.AddOrUpdate(DicomTags.QueryRetrieveLevel, DicomVR.CS, "STUDY");
        query.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, "");
        query.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, "");
        var studies = new List<string>();
        await foreach (DicomDataset match in association.FindAsync(StudyRootFind, query, Ct))
        {
            studies.Add(match.GetString(DicomTags.StudyInstanceUID)!.TrimEnd('\0', ' '));
        }
        string ctStudy = await StudyUidAsync(ct);
        string[] expected = [ctStudy, await StudyUidAsync(mr)];
        Assert.Equal(expected.Order(StringComparer.Ordinal), studies.Order(StringComparer.Ordinal));

        var move = new DicomDataset();
        move.AddOrUpdate(DicomTags.QueryRetrieveLevel, DicomVR.CS, "STUDY");
        move.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, ctStudy);
        var responses = new List<DicomMoveResponse>();
        await foreach (DicomMoveResponse response in association.MoveAsync(StudyRootMove, "STORESCP", move, Ct))
        {
            responses.Add(response);
        }
        DicomMoveResponse final = responses[^1];
        Assert.True(final.Status == DimseStatus.Success, $"0x{final.Status:X4} {final.ErrorComment}\n{archive.Output}");
        Assert.All(responses[..^1], r => Assert.True(r.IsPending));
        Assert.Equal((ushort)1, final.SubOperations?.Completed);
        Assert.Equal((ushort)0, final.SubOperations?.Failed);
        Assert.True(File.Exists(destination.FileFor(ctHeader.SopInstanceUid)));

        await association.ReleaseAsync(Ct);
    }

    private static async Task<string> StudyUidAsync(string path)
    {
        Portico.Dicom.IO.DicomFile file = await Portico.Dicom.IO.DicomFile.OpenAsync(path, cancellationToken: Ct);
        return file.Dataset.GetString(DicomTags.StudyInstanceUID)!.TrimEnd('\0', ' ');
    }

    private static async Task<Part10Header> ReadHeaderAsync(string path)
    {
        (Part10Header header, Stream stream) = await Part10Header.OpenAsync(path, Ct);
        await stream.DisposeAsync();
        return header;
    }
}
