using System.IO.Compression;
using System.Text;
using Portico.Ingest.Zip;
using Xunit;

namespace Portico.Ingest.Tests.Zip;

public sealed class ZipCrc32Tests
{
    [Fact]
    public void Append_CheckString_GivesTheStandardCheckValue()
    {
        // The CRC-32 (ISO-HDLC) check value: CRC of the ASCII digits "123456789".
        Assert.Equal(0xCBF43926u, ZipCrc32.Append(0, "123456789"u8));
        Assert.Equal(0u, ZipCrc32.Append(0, []));
    }

    [Fact]
    public void Append_InPieces_EqualsAppendAtOnce()
    {
        byte[] data = new byte[1000];
        new Random(3).NextBytes(data);
        uint whole = ZipCrc32.Append(0, data);

        for (int split = 0; split <= data.Length; split += 37)
        {
            Assert.Equal(whole, ZipCrc32.Append(ZipCrc32.Append(0, data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(100_003)]
    public void Append_AnyLength_MatchesTheCrcTheBclRecords(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        using (Stream content = archive.CreateEntry("x").Open())
        {
            content.Write(data);
        }

        stream.Position = 0;
        using var read = new ZipArchive(stream, ZipArchiveMode.Read);
        Assert.Equal(read.Entries[0].Crc32, ZipCrc32.Append(0, data));
        Assert.NotEqual(read.Entries[0].Crc32, ZipCrc32.Append(0, Encoding.ASCII.GetBytes("other")));
    }
}
