using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;
using Xunit;

namespace Portico.Dicom.Tests.Dictionary;

public class DicomDictionaryTests
{
    [Fact]
    public void Find_PatientNameTag_ReturnsPNEntry()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find(new DicomTag(0x0010, 0x0010));

        Assert.NotNull(entry);
        Assert.Equal("PatientName", entry.Keyword);
        Assert.Equal("Patient's Name", entry.Name);
        Assert.Equal([DicomVR.PN], entry.VRs);
        Assert.Equal("1", entry.VM);
        Assert.Equal(0xFFFFFFFFu, entry.Mask);
        Assert.False(entry.Retired);
    }

    [Fact]
    public void Find_PatientNameKeyword_ReturnsTag00100010()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find("PatientName");

        Assert.NotNull(entry);
        Assert.Equal(new DicomTag(0x0010, 0x0010), entry.Tag);
    }

    [Fact]
    public void Find_KeywordWithWrongCase_ReturnsNull()
    {
        Assert.Null(DicomDictionary.Find("patientname"));
        Assert.Null(DicomDictionary.Find("NoSuchKeyword"));
    }

    [Fact]
    public void ImplicitVR_PixelData_ReturnsOW()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find(new DicomTag(0x7FE0, 0x0010));

        Assert.NotNull(entry);
        Assert.Equal([DicomVR.OB, DicomVR.OW], entry.VRs);
        Assert.Equal(DicomVR.OW, DicomDictionary.ImplicitVR(new DicomTag(0x7FE0, 0x0010)));
    }

    [Fact]
    public void Find_OverlayDataInGroup6002_MatchesRepeaterRow()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find(new DicomTag(0x6002, 0x3000));

        Assert.NotNull(entry);
        Assert.Equal("OverlayData", entry.Keyword);
        Assert.Equal(new DicomTag(0x6000, 0x3000), entry.Tag);
        Assert.Equal(0xFF00FFFFu, entry.Mask);
        Assert.True(entry.Matches(new DicomTag(0x601E, 0x3000)));
        Assert.Equal(DicomVR.OW, DicomDictionary.ImplicitVR(new DicomTag(0x6002, 0x3000)));
    }

    [Fact]
    public void Find_OverlayElementInOddGroup_ReturnsNull()
    {
        // (6001,3000) is a private element (PS3.5 §7.8), not a repeating overlay group.
        Assert.Null(DicomDictionary.Find(new DicomTag(0x6001, 0x3000)));
    }

    [Fact]
    public void Find_RepeatingElementRow_UsesElementMask()
    {
        DicomDictionaryEntry? rows = DicomDictionary.Find(new DicomTag(0x0028, 0x0410));
        DicomDictionaryEntry? transformLabel = DicomDictionary.Find(new DicomTag(0x0028, 0x0400));

        Assert.NotNull(rows);
        Assert.Equal("RowsForNthOrderCoefficients", rows.Keyword);
        Assert.Equal(0xFFFFFF0Fu, rows.Mask);
        Assert.NotNull(transformLabel);
        Assert.Equal("TransformLabel", transformLabel.Keyword);
    }

    [Fact]
    public void Find_LUTData_AllowsUSOrOWAndImplicitIsOW()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find("LUTData");

        Assert.NotNull(entry);
        Assert.Equal(new DicomTag(0x0028, 0x3006), entry.Tag);
        Assert.Equal([DicomVR.US, DicomVR.OW], entry.VRs);
        Assert.Equal("1-n", entry.VM);
        Assert.Equal(DicomVR.OW, DicomDictionary.ImplicitVR(entry.Tag));
    }

    [Fact]
    public void Find_GrayLookupTableData_AllowsUSOrSSOrOW()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find(new DicomTag(0x0028, 0x1200));

        Assert.NotNull(entry);
        Assert.Equal("GrayLookupTableData", entry.Keyword);
        Assert.Equal([DicomVR.US, DicomVR.SS, DicomVR.OW], entry.VRs);
        Assert.True(entry.Retired);
        Assert.Equal(DicomVR.OW, entry.ImplicitVR);
    }

    [Fact]
    public void ImplicitVR_USOrSS_ReturnsFirst()
    {
        // (0028,0106) Smallest Image Pixel Value is "US or SS".
        Assert.Equal(DicomVR.US, DicomDictionary.ImplicitVR(new DicomTag(0x0028, 0x0106)));
    }

    [Fact]
    public void Find_RetiredElement_IsRetired()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find(new DicomTag(0x0008, 0x0001));

        Assert.NotNull(entry);
        Assert.Equal("LengthToEnd", entry.Keyword);
        Assert.True(entry.Retired);
    }

    [Fact]
    public void Find_UnknownTag_ReturnsNull()
    {
        Assert.Null(DicomDictionary.Find(new DicomTag(0x0010, 0x0011)));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(new DicomTag(0x0010, 0x0011)));
    }

    [Fact]
    public void Find_GroupLengthOfAnyGroup_ReturnsGenericGroupLength()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find(new DicomTag(0x0010, 0x0000));

        Assert.NotNull(entry);
        Assert.Equal("GenericGroupLength", entry.Keyword);
        Assert.Equal([DicomVR.UL], entry.VRs);
        Assert.Same(entry, DicomDictionary.Find(new DicomTag(0x0009, 0x0000)));
        Assert.Same(entry, DicomDictionary.Find("GenericGroupLength"));
        Assert.Equal(DicomVR.UL, DicomDictionary.ImplicitVR(new DicomTag(0x0029, 0x0000), "SIEMENS CSA HEADER"));
    }

    [Fact]
    public void Find_FileMetaGroupLength_ReturnsItsOwnRow()
    {
        DicomDictionaryEntry? entry = DicomDictionary.Find(new DicomTag(0x0002, 0x0000));

        Assert.NotNull(entry);
        Assert.Equal("FileMetaInformationGroupLength", entry.Keyword);
    }

    [Theory]
    [InlineData(0x0009, 0x0010)]
    [InlineData(0x0029, 0x0011)]
    [InlineData(0x7FE1, 0x00FF)]
    public void Find_PrivateCreatorElement_ReturnsLOEntry(int group, int element)
    {
        var tag = new DicomTag((ushort)group, (ushort)element);

        DicomDictionaryEntry? entry = DicomDictionary.Find(tag);

        Assert.NotNull(entry);
        Assert.Equal("Private Creator", entry.Name);
        Assert.Equal([DicomVR.LO], entry.VRs);
        Assert.Equal(DicomVR.LO, DicomDictionary.ImplicitVR(tag));
        Assert.Same(entry, DicomDictionary.FindPrivate("SIEMENS CSA HEADER", tag));
    }

    [Theory]
    [InlineData(0x0009, 0x0005)]
    [InlineData(0x0009, 0x1010)]
    [InlineData(0x0003, 0x0010)]
    public void Find_PrivateOrReservedElementWithoutCreator_ReturnsNull(int group, int element)
    {
        Assert.Null(DicomDictionary.Find(new DicomTag((ushort)group, (ushort)element)));
    }

    [Fact]
    public void FindPrivate_SiemensCsaImageHeaderInfo_ReturnsOBRowInAnyBlock()
    {
        // _private_dict.py: 'SIEMENS CSA HEADER': {'0029xx10': ('OB', '1', 'CSA Image Header Info', '')}
        DicomDictionaryEntry? block10 = DicomDictionary.FindPrivate("SIEMENS CSA HEADER", new DicomTag(0x0029, 0x1010));
        DicomDictionaryEntry? block11 = DicomDictionary.FindPrivate("SIEMENS CSA HEADER", new DicomTag(0x0029, 0x1110));

        Assert.NotNull(block10);
        Assert.Same(block10, block11);
        Assert.Equal("CSA Image Header Info", block10.Name);
        Assert.Equal([DicomVR.OB], block10.VRs);
        Assert.Equal("", block10.Keyword);
        Assert.Equal(new DicomTag(0x0029, 0x0010), block10.Tag);
        Assert.Equal(0xFFFF00FFu, block10.Mask);
    }

    [Fact]
    public void FindPrivate_CreatorWithPadding_IgnoresPadding()
    {
        // LO values are padded to even length with a space; some writers pad with NUL.
        Assert.NotNull(DicomDictionary.FindPrivate("GEMS_IDEN_01 ", new DicomTag(0x0009, 0x1001)));
        Assert.NotNull(DicomDictionary.FindPrivate("GEMS_IDEN_01\0", new DicomTag(0x0009, 0x1001)));
    }

    [Fact]
    public void FindPrivate_UnknownCreatorOrElement_ReturnsNull()
    {
        Assert.Null(DicomDictionary.FindPrivate("NO SUCH CREATOR", new DicomTag(0x0029, 0x1010)));
        Assert.Null(DicomDictionary.FindPrivate("SIEMENS CSA HEADER", new DicomTag(0x0029, 0x10FF)));
        Assert.Null(DicomDictionary.FindPrivate("siemens csa header", new DicomTag(0x0029, 0x1010)));
    }

    [Fact]
    public void ImplicitVR_PrivateElement_UsesCreatorWhenKnown()
    {
        var tag = new DicomTag(0x0029, 0x1010);

        Assert.Equal(DicomVR.OB, DicomDictionary.ImplicitVR(tag, "SIEMENS CSA HEADER"));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(tag));
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(tag, "NO SUCH CREATOR"));
    }

    [Fact]
    public void ImplicitVR_ItemTag_ReturnsUN()
    {
        DicomDictionaryEntry? item = DicomDictionary.Find(new DicomTag(0xFFFE, 0xE000));

        Assert.NotNull(item);
        Assert.Empty(item.VRs);
        Assert.Equal(DicomVR.UN, DicomDictionary.ImplicitVR(new DicomTag(0xFFFE, 0xE000)));
    }

    [Fact]
    public void PrivateDictionary_Count_MatchesPydicom()
    {
        // 435 creators and 9420 rows in _private_dict.py of pydicom 2.3.1.
        Assert.Equal((435, 9420), PrivateDictionary.Count);
    }

    [Fact]
    public void Lookups_AfterWarmUp_AllocateNothing()
    {
        var patientName = new DicomTag(0x0010, 0x0010);
        var overlay = new DicomTag(0x6002, 0x3000);
        var privateTag = new DicomTag(0x0029, 0x1110);
        var unknown = new DicomTag(0x0010, 0x0011);
        const string Creator = "SIEMENS CSA HEADER ";
        RunLookups();

        // Tiered compilation may promote the lookups to optimised code during a round, and the runtime's bookkeeping
        // for that can allocate on this thread (168 bytes once in CI); the lookups themselves must not. So the quietest
        // of a few rounds counts: a lookup that allocates would show in every round.
        long least = long.MaxValue;
        for (int round = 0; round < 5 && least > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                RunLookups();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, least);

        void RunLookups()
        {
            _ = DicomDictionary.Find(patientName);
            _ = DicomDictionary.Find(overlay);
            _ = DicomDictionary.Find(unknown);
            _ = DicomDictionary.Find(new DicomTag(0x0011, 0x0000));
            _ = DicomDictionary.Find("PixelData");
            _ = DicomDictionary.FindPrivate(Creator, privateTag);
            _ = DicomDictionary.ImplicitVR(new DicomTag(0x7FE0, 0x0010));
            _ = DicomDictionary.ImplicitVR(privateTag, Creator);
        }
    }

    [Fact]
    public async Task Find_FromManyThreadsAtOnce_GivesTheSameEntries()
    {
        var tags = new[] { new DicomTag(0x0010, 0x0010), new DicomTag(0x6004, 0x3000), new DicomTag(0x0029, 0x1010) };

        DicomDictionaryEntry?[][] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(
            () => tags.Select(t => t.IsPrivate ? DicomDictionary.FindPrivate("SIEMENS CSA HEADER", t) : DicomDictionary.Find(t)).ToArray(),
            TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.All(results[0], Assert.NotNull);
    }
}
