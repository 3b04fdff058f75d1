using System.Buffers.Binary;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;

namespace Portico.Imaging;

/// <summary>
/// The three lookup tables of a PALETTE COLOR image (PS3.3 C.7.6.3.1.5 and C.7.6.3.1.6), reduced to 8 bits per entry:
/// a stored value v is shown as red[i], green[i], blue[i] with i = v − first mapped value, clamped to the tables (values
/// below the first entry take the first, above the last take the last).
/// </summary>
/// <remarks>
/// Each descriptor holds the number of entries (0 meaning 65,536), the first value mapped and the bits per entry (8 or
/// 16). Entries of 16 bits are 16-bit words; for 8 bits writers differ, so both layouts the standard's history allows
/// are read: one byte per entry when the data hold as many bytes as entries, else one word per entry with the value in
/// its low byte (or its high byte, when any word exceeds 255). Segmented tables are refused.
/// </remarks>
public sealed class PaletteColorLut
{
    private PaletteColorLut(int firstMapped, byte[] red, byte[] green, byte[] blue)
    {
        FirstMapped = firstMapped;
        Red = red;
        Green = green;
        Blue = blue;
    }

    /// <summary>The stored value the first entry is for.</summary>
    public int FirstMapped { get; }

    public byte[] Red { get; }

    public byte[] Green { get; }

    public byte[] Blue { get; }

    /// <summary>Reads the palette of <paramref name="dataset"/>.</summary>
    /// <exception cref="RenderingException">The tables are missing, segmented, of different shapes, or shorter than their descriptors say.</exception>
    public static PaletteColorLut FromDataset(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Find(DicomTags.SegmentedRedPaletteColorLookupTableData) is not null)
        {
            throw new RenderingException("Segmented palette colour lookup tables cannot be shown.");
        }

        (int entries, int first, int bits) = Descriptor(dataset, DicomTags.RedPaletteColorLookupTableDescriptor, "red");
        if (Descriptor(dataset, DicomTags.GreenPaletteColorLookupTableDescriptor, "green") != (entries, first, bits)
            || Descriptor(dataset, DicomTags.BluePaletteColorLookupTableDescriptor, "blue") != (entries, first, bits))
        {
            throw new RenderingException("The red, green and blue palette colour lookup tables have different descriptors.");
        }

        return new PaletteColorLut(
            first,
            Table(dataset, DicomTags.RedPaletteColorLookupTableData, "red", entries, bits),
            Table(dataset, DicomTags.GreenPaletteColorLookupTableData, "green", entries, bits),
            Table(dataset, DicomTags.BluePaletteColorLookupTableData, "blue", entries, bits));
    }

    /// <summary>The entry shown for a stored value.</summary>
    public int Index(long stored) => (int)Math.Clamp(stored - FirstMapped, 0, Red.Length - 1);

    private static (int Entries, int First, int Bits) Descriptor(DicomDataset dataset, DicomTag tag, string colour)
    {
        if (dataset.Find(tag) is not DicomElement { IsLoaded: true, Length: >= 6 } element)
        {
            throw new RenderingException($"The PALETTE COLOR image has no {colour} palette colour lookup table descriptor.");
        }

        // US or SS (PS3.3 C.7.6.3.1.5): each value is read as unsigned 16 bits, as the standard says to.
        ReadOnlySpan<byte> bytes = element.Value.Span;
        int entries = BinaryPrimitives.ReadUInt16LittleEndian(bytes), first = BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]), bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (bits is not (8 or 16))
        {
            throw new RenderingException($"The {colour} palette colour lookup table has entries of {bits} bits; 8 or 16 are shown.");
        }

        return (entries == 0 ? 65536 : entries, first, bits);
    }

    private static byte[] Table(DicomDataset dataset, DicomTag tag, string colour, int entries, int bits)
    {
        if (dataset.Find(tag) is not DicomElement element)
        {
            throw new RenderingException($"The PALETTE COLOR image has no {colour} palette colour lookup table data.");
        }

        if (!element.IsLoaded)
        {
            throw new RenderingException($"The {colour} palette colour lookup table ({element.Length:N0} bytes) is too large to be shown.");
        }

        ReadOnlySpan<byte> data = element.Value.Span;
        var table = new byte[entries];
        if (bits == 8 && data.Length is var length && length >= entries && length < entries * 2)
        {
            data[..entries].CopyTo(table);
            return table;
        }

        if (data.Length < entries * 2)
        {
            throw new RenderingException($"The {colour} palette colour lookup table holds {data.Length:N0} bytes; its descriptor says {entries:N0} entries of {bits} bits.");
        }

        bool highByte = bits == 16;
        if (!highByte)
        {
            for (int i = 0; i < entries && !highByte; i++)
            {
                highByte = BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]) > 255;
            }
        }

        for (int i = 0; i < entries; i++)
        {
            ushort word = BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]);
            table[i] = (byte)(highByte ? word >> 8 : word);
        }

        return table;
    }
}
