using System.Buffers.Binary;

namespace Portico.Ingest.Zip;

/// <summary>
/// The CRC-32 that ZIP records for every entry (APPNOTE 4.4.7: polynomial 0x04C11DB7, reflected, pre- and
/// post-inverted), computed eight bytes at a time with eight lookup tables. The BCL reads entries without
/// checking it, and truncates an entry that inflates past its declared size, so comparing it is how a
/// damaged or forged entry is told from a good one.
/// </summary>
internal static class ZipCrc32
{
    private const uint ReflectedPolynomial = 0xEDB88320;

    /// <summary>Table k, entry n: the CRC register after byte n followed by k zero bytes.</summary>
    private static readonly uint[] Tables = CreateTables();

    /// <summary>The CRC of <paramref name="crc"/>'s data followed by <paramref name="data"/>; start with 0.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t = Tables;
        uint register = ~crc;
        while (data.Length >= 8)
        {
            uint low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ register;
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            register = t[(7 * 256) + (low & 0xFF)] ^ t[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ t[(5 * 256) + ((low >> 16) & 0xFF)] ^ t[(4 * 256) + (low >> 24)]
                ^ t[(3 * 256) + (high & 0xFF)] ^ t[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ t[256 + ((high >> 16) & 0xFF)] ^ t[high >> 24];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            register = (register >> 8) ^ t[(register ^ b) & 0xFF];
        }

        return ~register;
    }

    private static uint[] CreateTables()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ ReflectedPolynomial : c >> 1;
            }

            tables[n] = c;
        }

        for (int k = 1; k < 8; k++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint previous = tables[((k - 1) * 256) + n];
                tables[(k * 256) + n] = (previous >> 8) ^ tables[previous & 0xFF];
            }
        }

        return tables;
    }
}
