using System.Globalization;
using System.Text;

namespace Portico.Dicom.Generator;

/// <summary>
/// Reads the few Python literal forms that pydicom's generated dictionary modules use, one line at a
/// time: quoted strings with backslash escapes, hexadecimal integers and punctuation. No Python is run.
/// Every method throws <see cref="FormatException"/> naming the file and line when the text is not
/// what the grammar expects, so a changed input format stops the generator instead of yielding
/// a silently different dictionary.
/// </summary>
internal ref struct PythonLineReader
{
    private readonly ReadOnlySpan<char> _line;
    private readonly SourceLocation _location;
    private int _position;

    public PythonLineReader(ReadOnlySpan<char> line, SourceLocation location)
    {
        _line = line;
        _location = location;
        _position = 0;
    }

    /// <summary>True when only white space or a <c>#</c> comment is left.</summary>
    public bool AtEnd
    {
        get
        {
            SkipSpaces();
            return _position == _line.Length || _line[_position] == '#';
        }
    }

    public void ExpectEnd()
    {
        if (!AtEnd)
        {
            throw Error($"unexpected text '{_line[_position..].ToString()}'");
        }
    }

    public void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error($"expected '{c}'");
        }
    }

    public bool TryConsume(char c)
    {
        SkipSpaces();
        if (_position < _line.Length && _line[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>Reads a Python integer literal written in hexadecimal (<c>0x00100010</c>).</summary>
    public uint ReadHexInteger()
    {
        SkipSpaces();
        if (_position + 2 > _line.Length || _line[_position] != '0' || (_line[_position + 1] | 0x20) != 'x')
        {
            throw Error("expected a hexadecimal integer");
        }

        int start = _position + 2;
        int end = start;
        while (end < _line.Length && char.IsAsciiHexDigit(_line[end]))
        {
            end++;
        }

        if (!uint.TryParse(_line[start..end], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value))
        {
            throw Error("hexadecimal integer out of range");
        }

        _position = end;
        return value;
    }

    /// <summary>
    /// Reads a single-line string literal in single or double quotes (no prefixes, no triple quotes),
    /// decoding the escapes of the Python language reference §2.4.1; an unknown escape keeps its
    /// backslash, as Python does.
    /// </summary>
    public string ReadString()
    {
        SkipSpaces();
        if (_position >= _line.Length || _line[_position] is not ('\'' or '"'))
        {
            throw Error("expected a string literal");
        }

        char quote = _line[_position++];
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _line.Length)
            {
                throw Error("unterminated string literal");
            }

            char c = _line[_position++];
            if (c == quote)
            {
                return value.ToString();
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (_position >= _line.Length)
            {
                throw Error("line ends inside an escape");
            }

            char e = _line[_position++];
            switch (e)
            {
                case '\\' or '\'' or '"':
                    value.Append(e);
                    break;
                case 'n':
                    value.Append('\n');
                    break;
                case 'r':
                    value.Append('\r');
                    break;
                case 't':
                    value.Append('\t');
                    break;
                case 'x':
                    value.Append((char)ReadHexDigits(2));
                    break;
                case 'u':
                    value.Append((char)ReadHexDigits(4));
                    break;
                case 'U':
                    value.Append(char.ConvertFromUtf32(ReadHexDigits(8)));
                    break;
                default:
                    value.Append('\\').Append(e);
                    break;
            }
        }
    }

    private int ReadHexDigits(int count)
    {
        if (_position + count > _line.Length
            || !int.TryParse(_line.Slice(_position, count), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
        {
            throw Error("bad hexadecimal escape");
        }

        _position += count;
        return value;
    }

    private void SkipSpaces()
    {
        while (_position < _line.Length && _line[_position] is ' ' or '\t')
        {
            _position++;
        }
    }

    private readonly FormatException Error(string message) =>
        new($"{_location}, column {_position + 1}: {message}.");
}
