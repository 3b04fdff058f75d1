using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Values;

namespace Portico.Ingest.Dicom;

/// <summary>The preamble and file meta information (PS3.10 §7.1) put in front of a data set received over the network.</summary>
public static class Part10Header
{
    private static readonly DicomTag GroupLength = new(0x0002, 0x0000);
    private static readonly DicomTag Version = new(0x0002, 0x0001);
    private static readonly DicomTag MediaStorageSopClass = new(0x0002, 0x0002);
    private static readonly DicomTag MediaStorageSopInstance = new(0x0002, 0x0003);
    private static readonly DicomTag TransferSyntaxUid = new(0x0002, 0x0010);
    private static readonly DicomTag ImplementationClass = new(0x0002, 0x0012);
    private static readonly DicomTag ImplementationVersion = new(0x0002, 0x0013);
    private static readonly DicomTag SourceApplicationEntityTitle = new(0x0002, 0x0016);

    /// <summary>128 zero bytes, "DICM", then group 0002 in Explicit VR Little Endian, naming the sender as Source AE Title.</summary>
    public static byte[] Build(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string? sourceAETitle)
    {
        var meta = new DicomDataset();
        meta.Add(new DicomElement(Version, DicomVR.OB, new byte[] { 0, 1 }));
        meta.AddOrUpdate(MediaStorageSopClass, DicomVR.UI, sopClassUid);
        meta.AddOrUpdate(MediaStorageSopInstance, DicomVR.UI, sopInstanceUid);
        meta.AddOrUpdate(TransferSyntaxUid, DicomVR.UI, transferSyntaxUid);
        meta.AddOrUpdate(ImplementationClass, DicomVR.UI, DicomFileWriter.ImplementationClassUid);
        meta.AddOrUpdate(ImplementationVersion, DicomVR.SH, DicomFileWriter.ImplementationVersionName);
        if (!string.IsNullOrEmpty(sourceAETitle))
        {
            meta.AddOrUpdate(SourceApplicationEntityTitle, DicomVR.AE, sourceAETitle);
        }

        uint length = checked((uint)DicomWriter.MeasureDataset(meta, explicitVR: true));
        meta.AddOrUpdate(GroupLength, DicomVR.UL, length);

        using var output = new MemoryStream(256);
        output.Write(new byte[128]);
        output.Write("DICM"u8);
        using (var writer = new DicomWriter(output))
        {
            writer.WriteDataset(meta, TransferSyntax.ExplicitVRLittleEndian);
        }

        return output.ToArray();
    }
}
