using System.Buffers.Binary;

namespace Portico.Ingest.Zip;

/// <summary>
/// Decides from an entry's first bytes whether it is worth handing to the ingest pipeline as DICOM. It is a
/// cheap filter, not a parser: the pipeline still reads the whole file and rejects it with its own reason.
/// </summary>
internal static class DicomSniffer
{
    /// <summary>Bytes needed to decide: the 128-byte preamble and "DICM" (PS3.10 §7.1).</summary>
    public const int HeadLength = PreambleLength + 4;

    private const int PreambleLength = 128;

    /// <summary>
    /// Longest first value accepted for an implicit VR data set. The first element of group 0002 or 0008
    /// is a group length, a character set, an image type, a date or a UID: tens of bytes. 64 KiB is far
    /// above them and still rejects most other binary files that happen to start with 02 00 or 08 00.
    /// </summary>
    private const uint MaxImplicitFirstValueLength = 0xFFFF;

    /// <summary>The two-letter VR codes of PS3.5 Table 6.2-1, in pairs.</summary>
    private const string ValueRepresentations = "AEASATCSDADSDTFDFLISLOLTOBODOFOLOVPNSHSLSQSSSTSVTMUCUIULUNURUSUTUV";

    /// <summary>
    /// True for a Part 10 file (preamble, then "DICM") and for a bare data set (no preamble or meta
    /// information, as some old CDs hold) whose first element is in group 0002 or 0008, in explicit VR
    /// little endian, implicit VR little endian (PS3.5 §7.1.2, §7.1.3) or explicit VR big endian (retired, 0008 only).
    /// </summary>
    /// <param name="head">The entry's first <see cref="HeadLength"/> bytes, or all of it if it is shorter.</param>
    public static bool LooksLikeDicom(ReadOnlySpan<byte> head)
    {
        if (head.Length >= HeadLength && head.Slice(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            return true;
        }

        // Tag (2 + 2 bytes), then either VR (2 bytes) and length, or a 4-byte length (PS3.5 §7.1).
        if (head.Length < 8)
        {
            return false;
        }

        ushort littleEndianGroup = BinaryPrimitives.ReadUInt16LittleEndian(head);
        if (littleEndianGroup is 0x0002 or 0x0008)
        {
            return IsValueRepresentation(head[4], head[5])
                || BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) <= MaxImplicitFirstValueLength;
        }

        return BinaryPrimitives.ReadUInt16BigEndian(head) == 0x0008 && IsValueRepresentation(head[4], head[5]);
    }

    private static bool IsValueRepresentation(byte first, byte second)
    {
        for (int i = 0; i < ValueRepresentations.Length; i += 2)
        {
            if (ValueRepresentations[i] == first && ValueRepresentations[i + 1] == second)
            {
                return true;
            }
        }

        return false;
    }
}
