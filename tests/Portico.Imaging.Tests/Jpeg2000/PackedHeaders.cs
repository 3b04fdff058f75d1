using System.Buffers.Binary;
using Xunit;

namespace Portico.Imaging.Tests.Jpeg2000;

/// <summary>
/// Moves the packet headers of a codestream written with SOP and EPH markers (opj_compress -SOP -EPH) into packed
/// packet header marker segments (T.800 §A.7.4, §A.7.5): PPM in the main header, or PPT in each tile-part's header.
/// With both markers the headers are easy to find without decoding: each packet is SOP (6 bytes), its header up to and
/// with EPH (bit stuffing keeps FF 92 out of headers), then its body up to the next SOP (the coders keep FF 91 out of
/// bodies) or the tile-part's end. The SOP markers stay with the bodies; EPH goes with the headers.
/// </summary>
internal static class PackedHeaders
{
    public static byte[] Pack(byte[] stream, bool inMainHeader)
    {
        int firstSot = stream.AsSpan().IndexOf([(byte)0xFF, (byte)0x90]);
        var tileParts = new List<(byte[] Header, byte[] PacketHeaders, byte[] Bodies)>();
        int position = firstSot;
        while (BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(position)) == 0xFF90)
        {
            int end = position + (int)BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(position + 6));
            int sod = position + 12;
            while (BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(sod)) != 0xFF93)
            {
                sod += 2 + BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(sod + 2));
            }

            var headers = new List<byte>();
            var bodies = new List<byte>();
            int at = sod + 2;
            while (at < end)
            {
                Assert.Equal(0xFF91, BinaryPrimitives.ReadUInt16BigEndian(stream.AsSpan(at)));
                int eph = stream.AsSpan(at + 6, end - at - 6).IndexOf([(byte)0xFF, (byte)0x92]) + at + 6;
                int next = stream.AsSpan(eph + 2, end - eph - 2).IndexOf([(byte)0xFF, (byte)0x91]);
                next = next < 0 ? end : next + eph + 2;
                bodies.AddRange(stream.AsSpan(at, 6));
                headers.AddRange(stream.AsSpan(at + 6, eph + 2 - at - 6));
                bodies.AddRange(stream.AsSpan(eph + 2, next - eph - 2));
                at = next;
            }

            tileParts.Add((stream[position..sod], [.. headers], [.. bodies]));
            position = end;
        }

        Assert.Equal(stream.Length - 2, position);
        var output = new List<byte>(stream[..firstSot]);
        if (inMainHeader)
        {
            var all = new List<byte>();
            foreach ((_, byte[] packetHeaders, _) in tileParts)
            {
                all.AddRange([(byte)(packetHeaders.Length >> 24), (byte)(packetHeaders.Length >> 16), (byte)(packetHeaders.Length >> 8), (byte)packetHeaders.Length]);
                all.AddRange(packetHeaders);
            }

            AddSegments(output, 0xFF60, [.. all]);
        }

        foreach ((byte[] header, byte[] packetHeaders, byte[] bodies) in tileParts)
        {
            var part = new List<byte>(header);
            if (!inMainHeader)
            {
                AddSegments(part, 0xFF61, packetHeaders);
            }

            part.AddRange([0xFF, 0x93]);
            part.AddRange(bodies);
            byte[] bytes = [.. part];
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(6), (uint)bytes.Length);
            output.AddRange(bytes);
        }

        output.AddRange([0xFF, 0xD9]);
        return [.. output];
    }

    /// <summary>PPM or PPT segments of at most 1,000 bytes of data each (so that larger streams take several), numbered by Zppm/Zppt.</summary>
    private static void AddSegments(List<byte> output, int marker, byte[] data)
    {
        for (int offset = 0, index = 0; offset < data.Length || index == 0; offset += 1000, index++)
        {
            int length = Math.Min(1000, data.Length - offset);
            output.AddRange([(byte)(marker >> 8), (byte)marker, (byte)((length + 3) >> 8), (byte)(length + 3), (byte)index]);
            output.AddRange(data.AsSpan(offset, length));
        }
    }
}
