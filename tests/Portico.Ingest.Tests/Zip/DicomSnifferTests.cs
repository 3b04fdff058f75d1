using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

public sealed class DicomSnifferTests
{
    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("MR_small_bigendian.dcm")]
    [InlineData("image_dfl.dcm")]
    [InlineData("JPEG2000.dcm")]
    public void LooksLikeDicom_Part10File_True(string name)
    {
        byte[] bytes = DicomSamples.Pydicom(name);

        Assert.True(DicomSniffer.LooksLikeDicom(bytes.AsSpan(0, DicomSniffer.HeadLength)));
    }

    [Theory]
    [InlineData("ExplVR_LitEndNoMeta.dcm")]
    [InlineData("ExplVR_BigEndNoMeta.dcm")]
    public void LooksLikeDicom_BareDataSetFile_True(string name)
    {
        byte[] bytes = DicomSamples.Pydicom(name);

        Assert.True(DicomSniffer.LooksLikeDicom(bytes.AsSpan(0, DicomSniffer.HeadLength)));
    }

    [Fact]
    public void LooksLikeDicom_ImplicitBareDataSet_True()
    {
        byte[] bytes = DicomSamples.PydicomBareDataset("MR_small_implicit.dcm");

        Assert.True(DicomSniffer.LooksLikeDicom(bytes.AsSpan(0, DicomSniffer.HeadLength)));
    }

    [Theory]
    [InlineData("02 00 10 00 55 49 14 00")] // (0002,0010) UI, explicit little endian: meta group without preamble
    [InlineData("08 00 05 00 0A 00 00 00")] // (0008,0005), implicit little endian, length 10
    [InlineData("00 08 00 05 43 53 00 0A")] // (0008,0005) CS, explicit big endian
    public void LooksLikeDicom_FirstElementOfGroup0002Or0008_True(string hex)
    {
        Assert.True(DicomSniffer.LooksLikeDicom(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("08 00 05 00 43 53 0A")] // too short to decide
    [InlineData("25 50 44 46 2D 31 2E 37")] // %PDF-1.7
    [InlineData("FF D8 FF E0 00 10 4A 46")] // JPEG
    [InlineData("50 4B 03 04 14 00 00 00")] // ZIP local header
    [InlineData("10 00 10 00 50 4E 04 00")] // (0010,0010) PN: a data set, but not one starting in group 0002/0008
    [InlineData("08 00 05 00 00 00 01 00")] // implicit, first value 64 KiB long
    [InlineData("00 02 00 10 55 49 00 14")] // group 0002 big endian: meta is always little endian
    public void LooksLikeDicom_OtherContent_False(string hex)
    {
        Assert.False(DicomSniffer.LooksLikeDicom(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
    }

    [Fact]
    public void LooksLikeDicom_PreambleWithoutDicm_False()
    {
        byte[] bytes = new byte[DicomSniffer.HeadLength];
        "DICN"u8.CopyTo(bytes.AsSpan(128));

        Assert.False(DicomSniffer.LooksLikeDicom(bytes));
    }
}
