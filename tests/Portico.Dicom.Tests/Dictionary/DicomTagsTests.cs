using System.Reflection;
using Portico.Dicom.Dictionary;
using Xunit;

namespace Portico.Dicom.Tests.Dictionary;

public class DicomTagsTests
{
    [Fact]
    public void PatientName_Always_Is00100010()
    {
        Assert.Equal(new DicomTag(0x0010, 0x0010), DicomTags.PatientName);
    }

    [Fact]
    public void OverlayData_RepeatingGroup_IsFirstGroup()
    {
        Assert.Equal(new DicomTag(0x6000, 0x3000), DicomTags.OverlayData);
        Assert.Equal(new DicomTag(0x5000, 0x3000), DicomTags.CurveData);
        Assert.Equal(new DicomTag(0x7F00, 0x0010), DicomTags.VariablePixelData);
    }

    [Fact]
    public void EveryMember_FoundInDictionary_HasItsKeyword()
    {
        PropertyInfo[] members = typeof(DicomTags).GetProperties(BindingFlags.Public | BindingFlags.Static);

        Assert.True(members.Length > 4000, $"only {members.Length} members");
        Assert.All(members, member =>
        {
            var tag = (DicomTag)member.GetValue(null)!;
            DicomDictionaryEntry? entry = DicomDictionary.Find(tag);
            Assert.NotNull(entry);
            Assert.Equal(member.Name, entry.Keyword);
            Assert.Same(entry, DicomDictionary.Find(member.Name));
        });
    }

    [Fact]
    public void RepeatingElementRows_AreNotMembers()
    {
        // (0028,04x0) with x = 0 would be (0028,0400) Transform Label.
        Assert.Null(typeof(DicomTags).GetProperty("RowsForNthOrderCoefficients"));
        Assert.NotNull(DicomDictionary.Find("RowsForNthOrderCoefficients"));
    }
}
