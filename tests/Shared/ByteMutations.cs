using System.Buffers.Binary;

namespace Portico.Tests.Shared;

/// <summary>
/// The mutations the fuzz tests share, each applied in place to a copy of real input and described for the failure
/// message: bit flips, and a 2- or 4-byte field (a length, a tag, a count) overwritten with a value that lies.
/// </summary>
internal static class ByteMutations
{
    /// <summary>Flips 1 to <paramref name="most"/> random bits.</summary>
    public static string FlipBits(byte[] data, Random random, int most)
    {
        int flips = random.Next(1, most + 1);
        for (int f = 0; f < flips; f++)
        {
            data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
        }

        return $"{flips} bit flips";
    }

    /// <summary>Overwrites 4 bytes at a random place with all ones, zero, a plausible length or anything.</summary>
    public static string Lie32(byte[] data, Random random, bool bigEndian)
    {
        int at = random.Next(data.Length - 3);
        uint value = random.Next(4) switch { 0 => uint.MaxValue, 1 => 0, 2 => (uint)random.Next(0, 70_000), _ => (uint)random.Next() };
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), value);
        }

        return $"4 bytes at {at} set to {value}";
    }

    /// <summary>Overwrites 2 bytes at a random place with any value.</summary>
    public static string Lie16(byte[] data, Random random, bool bigEndian)
    {
        int at = random.Next(data.Length - 1);
        ushort value = (ushort)random.Next(65_536);
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), value);
        }

        return $"2 bytes at {at} set to {value}";
    }
}
