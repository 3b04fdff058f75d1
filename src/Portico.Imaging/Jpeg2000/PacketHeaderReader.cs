namespace Portico.Imaging.Jpeg2000;

/// <summary>
/// Reads the bits of packet headers (T.800 §B.10.1): most significant first; after a byte 0xFF the next byte holds
/// only 7 bits (its high bit is a stuffed 0). Past the end it supplies zeros and remembers that it did.
/// </summary>
internal struct PacketHeaderReader(byte[] data, int position, int end)
{
    private readonly byte[] _data = data;
    private readonly int _end = end;
    private int _byte;
    private int _bitsLeft;
    private bool _afterFF;

    public int Position { get; set; } = position;

    /// <summary>Bits were read past the end of the data: the headers are truncated.</summary>
    public bool Overrun { get; private set; }

    public readonly int End => _end;

    public int ReadBit()
    {
        if (_bitsLeft == 0)
        {
            if (Position >= _end)
            {
                Overrun = true;
                _byte = 0;
            }
            else
            {
                _byte = _data[Position++];
            }

            _bitsLeft = _afterFF ? 7 : 8;
            _afterFF = _byte == 0xFF;
        }

        _bitsLeft--;
        return (_byte >> _bitsLeft) & 1;
    }

    /// <summary>The next <paramref name="count"/> bits (up to 31) as a number.</summary>
    public int ReadBits(int count)
    {
        int value = 0;
        for (int i = 0; i < count; i++)
        {
            value = (value << 1) | ReadBit();
        }

        return value;
    }

    /// <summary>T.800 §B.10.1: the header ends on a byte boundary; after a 0xFF byte, the stuffed byte that follows is part of it.</summary>
    public void Align()
    {
        _bitsLeft = 0;
        if (_afterFF)
        {
            Position++;
            _afterFF = false;
        }
    }

    /// <summary>Skips the two bytes of marker <paramref name="second"/> (FF xx) if they come next; says whether they did.</summary>
    public bool Skip(byte second)
    {
        if (Position + 1 < _end && _data[Position] == 0xFF && _data[Position + 1] == second)
        {
            Position += 2;
            return true;
        }

        return false;
    }
}
