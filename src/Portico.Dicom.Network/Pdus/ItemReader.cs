using System.Buffers.Binary;
using System.Text;

namespace Portico.Dicom.Network.Pdus;

/// <summary>
/// A bounds-checked cursor over a PDU body. Every read checks the remaining bytes first and throws
/// <see cref="DicomNetworkProtocolException"/> instead of running past the end.
/// </summary>
internal ref struct ItemReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ItemReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public readonly bool End => _position >= _data.Length;

    public ReadOnlySpan<byte> ReadBytes(int count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.LengthOverrun, $"{what}: needs {count} bytes, {Remaining} remain in its parent.");
        }
        ReadOnlySpan<byte> slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    public byte ReadByte(string what) => ReadBytes(1, what)[0];

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16BigEndian(ReadBytes(2, what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4, what));

    /// <summary>Reads an item header (type, reserved, 2-byte length) and its value, PS3.8 §9.3.2.</summary>
    public ReadOnlySpan<byte> ReadItem(out byte itemType)
    {
        itemType = ReadByte("item type");
        ReadByte("item reserved byte");
        ushort length = ReadUInt16("item length");
        return ReadBytes(length, $"item 0x{itemType:X2}");
    }

    /// <summary>Decodes a UID value (PS3.5 §9.1): digits and dots, at most 64, trailing NUL or space padding tolerated.</summary>
    public static string DecodeUid(ReadOnlySpan<byte> value, string what)
    {
        int end = value.Length;
        while (end > 0 && (value[end - 1] == 0 || value[end - 1] == (byte)' '))
        {
            end--;
        }
        if (end == 0 || end > 64)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"{what}: a UID must have 1 to 64 characters, got {end}.");
        }
        foreach (byte b in value[..end])
        {
            if (b != (byte)'.' && (b < (byte)'0' || b > (byte)'9'))
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"{what}: a UID may hold only digits and dots.");
            }
        }
        return Encoding.ASCII.GetString(value[..end]);
    }

    /// <summary>Decodes a short text value (implementation version name): printable ASCII, 1–16 bytes.</summary>
    public static string DecodeShortText(ReadOnlySpan<byte> value, string what)
    {
        if (value.Length is 0 or > 16)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"{what}: must have 1 to 16 characters.");
        }
        foreach (byte b in value)
        {
            if (b < 0x20 || b > 0x7E)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"{what}: holds a non-printable byte.");
            }
        }
        return Encoding.ASCII.GetString(value).TrimEnd(' ');
    }
}
