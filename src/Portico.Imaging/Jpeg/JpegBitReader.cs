using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Portico.Imaging.Jpeg;

/// <summary>
/// Reads the entropy-coded data of a scan (T.81 §F.2.2.5): bits most significant first, a stuffed 0x00 after each
/// 0xFF dropped. At a marker or at the end of the frame it supplies zero bits, counting them, so that the last code
/// may be looked up with fewer bits left than a look-up takes; using any of them makes <see cref="Overrun"/> true.
/// </summary>
internal ref struct JpegBitReader(ReadOnlySpan<byte> data, int position, JpegFormat format)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private readonly JpegFormat _format = format;
    private int _position = position;
    private int _padding;

    /// <summary>The bits read and not yet used, the next one highest.</summary>
    public ulong Bits { get; set; }

    /// <summary>How many of <see cref="Bits"/> there are, the zeros supplied past the end included.</summary>
    public int Available { get; set; }

    /// <summary>Some bits past the end of the data have been used: the scan is truncated or corrupt.</summary>
    public readonly bool Overrun => Available < _padding;

    /// <summary>At the end of a restart interval: drops the rest of its last byte and expects RSTn (T.81 §B.2.1, §F.2.2.5).</summary>
    public void Restart(int expected)
    {
        _position = JpegSegments.ExpectRestart(_data, FindMarker(_data, _position), expected, _format);
        Bits = 0;
        Available = 0;
        _padding = 0;
    }

    /// <summary>The offset of the marker that ends the scan, past any bits and bytes left unused.</summary>
    public readonly int EndOfScan() => JpegSegments.EndOfScan(FindMarker(_data, _position), _format);

    /// <summary>
    /// Tops <paramref name="bits"/> up to at least 57 bits, with zeros once the data or the scan (at a marker) ends.
    /// Eight bytes at a time when none of them is 0xFF.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public (ulong Bits, int Available) Fill(ulong bits, int available)
    {
        if (_data.Length - _position >= 8)
        {
            int bytes = (64 - available) >> 3;
            ulong word = BinaryPrimitives.ReadUInt64BigEndian(_data[_position..]);
            ulong taken = bytes == 8 ? ulong.MaxValue : ~(ulong.MaxValue >> (8 * bytes));

            // No byte of the taken ones is 0xFF: ~word (with the others set) has no zero byte.
            ulong x = ~word | ~taken;
            if (((x - 0x0101010101010101UL) & ~x & 0x8080808080808080UL) == 0)
            {
                _position += bytes;
                return (bits | ((word & taken) >> available), available + (8 * bytes));
            }
        }

        while (available <= 56)
        {
            int value = 0;
            if (_position < _data.Length)
            {
                value = _data[_position];
                if (value != 0xFF)
                {
                    _position++;
                }
                else if (_position + 1 < _data.Length && _data[_position + 1] == 0)
                {
                    _position += 2;
                }
                else
                {
                    value = 0;
                    _padding += 8;
                }
            }
            else
            {
                _padding += 8;
            }

            bits |= (ulong)value << (56 - available);
            available += 8;
        }

        return (bits, available);
    }

    /// <summary>The offset of the next marker's first 0xFF at or after <paramref name="from"/>, skipping stuffed bytes; -1 if none.</summary>
    private static int FindMarker(ReadOnlySpan<byte> data, int from)
    {
        for (int i = from; i < data.Length; i++)
        {
            if (data[i] != 0xFF)
            {
                continue;
            }

            int j = i + 1;
            while (j < data.Length && data[j] == 0xFF)
            {
                j++;
            }

            if (j >= data.Length)
            {
                return -1;
            }

            if (data[j] != 0)
            {
                return i;
            }

            i = j;
        }

        return -1;
    }
}
