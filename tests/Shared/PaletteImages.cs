using System.Buffers.Binary;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;

namespace Portico.Tests.Shared;

/// <summary>How a test palette's entries are stored in its lookup table data.</summary>
public enum PaletteEntries
{
    /// <summary>16-bit entries, one per word.</summary>
    Words16,

    /// <summary>8-bit entries, one per byte (OW holding bytes, as some writers do).</summary>
    Bytes8,

    /// <summary>8-bit entries, one per word, the value in the low byte.</summary>
    Words8,
}

/// <summary>PALETTE COLOR test images written by Portico.Dicom, for rendering checks against DCMTK.</summary>
internal static class PaletteImages
{
    /// <summary>A palette colour lookup table descriptor: entries (0 for 65,536), first value mapped, bits per entry.</summary>
    public static DicomElement Descriptor(DicomTag tag, int entries, int first, int bits)
    {
        var value = new byte[6];
        BinaryPrimitives.WriteUInt16LittleEndian(value, (ushort)entries);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(2), (ushort)first);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(4), (ushort)bits);
        return new DicomElement(tag, DicomVR.US, value);
    }

    /// <summary>A Secondary Capture PALETTE COLOR file with random tables, in Explicit VR Little Endian.</summary>
    public static string Write(string directory, byte[] pixels, int columns, int rows, int bitsAllocated, int entries, int firstMapped, PaletteEntries storage, Random random)
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        dataset.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, UidGenerator.NewUid());
        dataset.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "OT");
        dataset.AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, 1);
        dataset.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "PALETTE COLOR");
        dataset.AddOrUpdate<ushort>(DicomTags.Rows, DicomVR.US, (ushort)rows);
        dataset.AddOrUpdate<ushort>(DicomTags.Columns, DicomVR.US, (ushort)columns);
        dataset.AddOrUpdate<ushort>(DicomTags.BitsAllocated, DicomVR.US, (ushort)bitsAllocated);
        dataset.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, (ushort)bitsAllocated);
        dataset.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, (ushort)(bitsAllocated - 1));
        dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 0);
        int count = entries == 0 ? 65536 : entries;
        int bits = storage == PaletteEntries.Words16 ? 16 : 8;
        (DicomTag Descriptor, DicomTag Data)[] tables =
        [
            (DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData),
            (DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData),
            (DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData),
        ];
        foreach ((DicomTag descriptor, DicomTag data) in tables)
        {
            dataset.Add(Descriptor(descriptor, entries, firstMapped, bits));
            byte[] table = storage == PaletteEntries.Bytes8 ? new byte[count + (count % 2)] : new byte[count * 2];
            for (int i = 0; i < count; i++)
            {
                switch (storage)
                {
                    case PaletteEntries.Bytes8:
                        table[i] = (byte)random.Next(256);
                        break;
                    case PaletteEntries.Words8:
                        table[i * 2] = (byte)random.Next(256);
                        break;
                    default:
                        BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(i * 2), (ushort)random.Next(65536));
                        break;
                }
            }

            dataset.Add(new DicomElement(data, DicomVR.OW, table));
        }

        dataset.Add(new DicomElement(DicomTags.PixelData, bitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, pixels.Length % 2 == 0 ? pixels : [.. pixels, 0]));
        string path = Path.Combine(directory, $"{Guid.NewGuid():N}.dcm");
        DicomFileWriter.WriteAsync(new DicomFile(new DicomDataset(), dataset, TransferSyntax.ExplicitVRLittleEndian), path).GetAwaiter().GetResult();
        return path;
    }
}
