using Portico.Dicom.Generator;
using Xunit;

namespace Portico.Dicom.Tests.Dictionary;

public class TagPatternTests
{
    [Theory]
    [InlineData("00100010", 0x00100010u, 0xFFFFFFFFu)]
    [InlineData("60xx3000", 0x60003000u, 0xFF00FFFFu)]
    [InlineData("002804x0", 0x00280400u, 0xFFFFFF0Fu)]
    [InlineData("1000xxx1", 0x10000001u, 0xFFFF000Fu)]
    [InlineData("1010xxxx", 0x10100000u, 0xFFFF0000u)]
    [InlineData("0029xx10", 0x00290010u, 0xFFFF00FFu)]
    [InlineData("0021xxae", 0x002100AEu, 0xFFFF00FFu)]
    public void TryParse_Pattern_GivesTagAndMask(string text, uint tag, uint mask)
    {
        Assert.True(TagPattern.TryParse(text, out TagPattern pattern));
        Assert.Equal(new TagPattern(tag, mask), pattern);
        Assert.Equal(text.ToUpperInvariant().Replace('X', 'x'), pattern.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0010001")]
    [InlineData("001000100")]
    [InlineData("0010001G")]
    [InlineData("60XX3000")]
    public void TryParse_NotAPattern_ReturnsFalse(string text)
    {
        Assert.False(TagPattern.TryParse(text, out _));
    }

    [Theory]
    [InlineData("60xx3000", true)]
    [InlineData("7Fxx0010", true)]
    [InlineData("002804x0", false)]
    [InlineData("00100010", false)]
    public void RepeatsGroupOnly_Pattern_TellsRepeatingGroups(string text, bool expected)
    {
        Assert.True(TagPattern.TryParse(text, out TagPattern pattern));
        Assert.Equal(expected, pattern.RepeatsGroupOnly);
    }
}
