using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Ingest.Pipeline;
using Xunit;

namespace Portico.Ingest.Tests.Pipeline;

public sealed class InstanceValidatorTests
{
    private static DicomFile File(TransferSyntax syntax)
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2");
        dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, UidGenerator.NewUid());
        dataset.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, UidGenerator.NewUid());
        dataset.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, UidGenerator.NewUid());
        return new DicomFile(new DicomDataset(), dataset, syntax) { Preamble = new byte[128] };
    }

    [Fact]
    public void Validate_KnownAndPrivateTransferSyntaxes_AreAccepted()
    {
        DicomFile known = File(TransferSyntax.ExplicitVRLittleEndian);
        DicomFile vendor = File(TransferSyntax.FromUid("1.2.840.113619.5.2")); // GE's private implicit VR big endian

        Assert.Null(InstanceValidator.Validate(known, InstanceHeader.From(known)));
        Assert.Null(InstanceValidator.Validate(vendor, InstanceHeader.From(vendor)));
    }

    /// <summary>An invalid Transfer Syntax UID is refused like the other UIDs: a long one would not fit its index column either.</summary>
    [Theory]
    [InlineData("1.2.840.10008.1.2.1.1.2.840.10008.1.2.1.1.2.840.10008.1.2.1.1.2.840.10008.1.2.1.1.2.840.10008.1.2.1.99")]
    [InlineData("1.2.840.10008.1.2.01")]
    [InlineData("explicit little endian")]
    public void Validate_InvalidTransferSyntaxUid_IsRefusedWithTheReason(string uid)
    {
        DicomFile file = File(TransferSyntax.FromUid(uid));

        Assert.Equal("The Transfer Syntax UID (0002,0010) is not a valid UID.", InstanceValidator.Validate(file, InstanceHeader.From(file)));
    }
}
