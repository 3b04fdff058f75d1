using Portico.Dicom.Generator;
using Xunit;

namespace Portico.Dicom.Tests.Dictionary;

public class PythonLineReaderTests
{
    private static readonly SourceLocation Location = new("test.py", 1);

    [Theory]
    [InlineData("'Unknown'", "Unknown")]
    [InlineData("\"Patient's Name\"", "Patient's Name")]
    [InlineData(@"'Image Type (ORIGINAL\\PROSPECTIVE ...)'", @"Image Type (ORIGINAL\PROSPECTIVE ...)")]
    [InlineData(@"'it\'s'", "it's")]
    [InlineData(@"'\x41\u00e9'", "A\u00e9")]
    [InlineData(@"'\d'", @"\d")]
    [InlineData("''", "")]
    public void ReadString_PythonLiteral_DecodesEscapes(string literal, string expected)
    {
        var reader = new PythonLineReader(literal, Location);

        Assert.Equal(expected, reader.ReadString());
        Assert.True(reader.AtEnd);
    }

    [Fact]
    public void ReadHexInteger_DictionaryKey_ReadsTag()
    {
        var reader = new PythonLineReader("    0x7FE00010: (", Location);

        Assert.Equal(0x7FE00010u, reader.ReadHexInteger());
        reader.Expect(':');
        Assert.True(reader.TryConsume('('));
    }

    [Fact]
    public void ExpectEnd_TrailingComment_Passes()
    {
        var reader = new PythonLineReader("),  # noqa", Location);

        reader.Expect(')');
        reader.Expect(',');
        reader.ExpectEnd();
    }

    [Theory]
    [InlineData("'unterminated")]
    [InlineData("Unquoted")]
    [InlineData(@"'bad \x4'")]
    public void ReadString_Malformed_ThrowsWithLocation(string literal)
    {
        FormatException error = Assert.Throws<FormatException>(() => new PythonLineReader(literal, Location).ReadString());

        Assert.StartsWith("test.py:1, column ", error.Message, StringComparison.Ordinal);
    }
}
