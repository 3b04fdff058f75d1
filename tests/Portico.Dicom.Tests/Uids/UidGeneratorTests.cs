using System.Globalization;
using Portico.Dicom.Uids;
using Xunit;

namespace Portico.Dicom.Tests.Uids;

public class UidGeneratorTests
{
    [Fact]
    public void NewUid_Always_IsValidUuidDerivedUid()
    {
        string uid = UidGenerator.NewUid();

        Assert.StartsWith("2.25.", uid, StringComparison.Ordinal);
        Assert.True(DicomUid.IsValid(uid), uid);
        Assert.True(uid.Length <= 44, uid);
    }

    [Fact]
    public void NewUid_Value_IsVersion4Uuid()
    {
        UInt128 value = UInt128.Parse(UidGenerator.NewUid().AsSpan(5), CultureInfo.InvariantCulture);

        // RFC 9562: version in bits 48-51 of the 128-bit number (from the top), variant 10 in bits 64-65.
        Assert.Equal(4, (int)(value >> 76) & 0xF);
        Assert.Equal(2, (int)(value >> 62) & 0x3);
    }

    [Fact]
    public void NewUid_CalledManyTimes_ReturnsUniqueValues()
    {
        var uids = new HashSet<string>(StringComparer.Ordinal);

        for (int i = 0; i < 10_000; i++)
        {
            Assert.True(uids.Add(UidGenerator.NewUid()));
        }
    }
}
