using Portico.Dicom.Uids;
using Xunit;

namespace Portico.Dicom.Tests.Uids;

public class DicomUidTests
{
    [Fact]
    public void Find_ExplicitVRLittleEndian_ReturnsTransferSyntax()
    {
        DicomUid? uid = DicomUid.Find("1.2.840.10008.1.2.1");

        Assert.NotNull(uid);
        Assert.Equal("Explicit VR Little Endian", uid.Name);
        Assert.Equal("Transfer Syntax", uid.Type);
        Assert.Equal("ExplicitVRLittleEndian", uid.Keyword);
        Assert.False(uid.Retired);
        Assert.Equal(DicomUids.ExplicitVRLittleEndian, uid.Value);
    }

    [Fact]
    public void Find_RetiredTransferSyntax_IsRetired()
    {
        DicomUid? uid = DicomUid.Find(DicomUids.ExplicitVRBigEndian);

        Assert.NotNull(uid);
        Assert.True(uid.Retired);
    }

    [Fact]
    public void Find_SopClass_HasSopClassType()
    {
        DicomUid? uid = DicomUid.Find(DicomUids.CTImageStorage);

        Assert.NotNull(uid);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", uid.Value);
        Assert.Equal("SOP Class", uid.Type);
    }

    [Fact]
    public void Find_ValueWithTrailingNulPadding_IgnoresPadding()
    {
        Assert.Same(DicomUid.Find("1.2.840.10008.1.2"), DicomUid.Find("1.2.840.10008.1.2\0"));
        Assert.NotNull(DicomUid.Find("1.2.840.10008.1.2\0".AsSpan()));
    }

    [Theory]
    [InlineData("1.2.3.4")]
    [InlineData("1.2.840.10008.1.2.1.")]
    [InlineData("")]
    public void Find_UnregisteredValue_ReturnsNull(string value)
    {
        Assert.Null(DicomUid.Find(value));
    }

    [Fact]
    public void Find_RowWithoutKeyword_HasEmptyKeyword()
    {
        DicomUid? uid = DicomUid.Find("1.2.840.10008.5.1.4.1.1.40");

        Assert.NotNull(uid);
        Assert.Equal("", uid.Keyword);
        Assert.True(uid.Retired);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.1")]
    [InlineData("0")]
    [InlineData("2.25.0")]
    [InlineData("1.0.2")]
    [InlineData("2.25.329800735698586629295641978511506172918")]
    [InlineData("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.2")]
    public void IsValid_WellFormedUid_ReturnsTrue(string uid)
    {
        Assert.True(DicomUid.IsValid(uid));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("1.")]
    [InlineData(".1")]
    [InlineData("1..2")]
    [InlineData("01.2")]
    [InlineData("1.02")]
    [InlineData("1.2a")]
    [InlineData("1.2 ")]
    [InlineData("1.2\0")]
    [InlineData("-1.2")]
    [InlineData("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25")]
    public void IsValid_MalformedUid_ReturnsFalse(string uid)
    {
        Assert.False(DicomUid.IsValid(uid));
    }

    [Fact]
    public void IsValid_EveryRegisteredUid_ReturnsTrue()
    {
        Assert.All(DicomUids.Table, uid => Assert.True(DicomUid.IsValid(uid.Value), uid.Value));
    }
}
