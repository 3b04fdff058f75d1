using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

public sealed class ZipReasonsTests
{
    [Theory]
    [InlineData(20L << 30, "20 GB")]
    [InlineData(2L << 30, "2 GB")]
    [InlineData(3L * 1024 * 1024 + 512 * 1024, "3.5 MB")]
    [InlineData(64L << 20, "64 MB")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(100, "100 bytes")]
    public void FormatSize_Bytes_WrittenAsTheManualsDo(long bytes, string expected)
    {
        Assert.Equal(expected, ZipReasons.FormatSize(bytes));
    }

    [Fact]
    public void Reasons_DefaultLimits_ReadNaturally()
    {
        var limits = new ZipLimits();

        Assert.Equal("The ZIP archive expands to more than 20 GB", ZipReasons.TooLarge(limits.MaxTotalUncompressedBytes));
        Assert.Equal("The ZIP archive contains more than 100,000 files", ZipReasons.TooManyEntries(limits.MaxEntries));
        Assert.Equal("This file is larger than 2 GB, the largest DICOM file accepted", ZipReasons.EntryTooLarge(limits.MaxEntryBytes));
        Assert.Equal("ZIP archives inside a ZIP archive are opened only 2 levels deep; unzip this one and upload its files", ZipReasons.NestedTooDeep(2));
    }
}
