using System.Buffers.Binary;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;
using Portico.Tests.Shared;
using Xunit;

namespace Portico.Imaging.Tests;

/// <summary>
/// PALETTE COLOR images rendered by <see cref="FrameRenderer"/> against DCMTK's dcm2pnm, every sample of every pixel:
/// 8-bit and 16-bit pixels, tables of 8-bit entries stored one per byte or one per word, of 16-bit entries, a first
/// mapped value above 0 (values below it take the first entry, values past the table the last), 65,536 entries; and
/// palettes Portico refuses saying why.
/// </summary>
public sealed class PaletteRenderingTests : IDisposable
{
    private readonly string _directory = ReferenceImages.NewTempDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public enum Entries
    {
        /// <summary>16-bit entries, one per word.</summary>
        Words16,

        /// <summary>8-bit entries, one per byte (OW holding bytes, as some writers do).</summary>
        Bytes8,

        /// <summary>8-bit entries, one per word, the value in the low byte.</summary>
        Words8,
    }

    public static TheoryData<int, int, int, Entries> Palettes => new()
    {
        // bits allocated, table entries, first value mapped, how entries are stored
        { 8, 256, 0, Entries.Words16 },
        { 8, 256, 0, Entries.Bytes8 },
        { 8, 256, 0, Entries.Words8 },
        { 8, 200, 30, Entries.Words16 },
        { 16, 4096, 0, Entries.Words16 },
        { 16, 1000, 500, Entries.Words16 },
        { 16, 0, 0, Entries.Words16 }, // 0 entries in the descriptor means 65,536
    };

    [Theory]
    [MemberData(nameof(Palettes))]
    public void Render_PaletteColor_EqualsDcm2pnm(int bitsAllocated, int entries, int firstMapped, Entries storage)
    {
        int count = entries == 0 ? 65536 : entries;
        const int Columns = 64, Rows = 48;
        var random = new Random(bitsAllocated * 7919 + count + firstMapped);
        var pixels = new byte[Columns * Rows * (bitsAllocated / 8)];
        int largest = bitsAllocated == 8 ? 255 : Math.Min(65535, firstMapped + count + 300);
        for (int i = 0; i < Columns * Rows; i++)
        {
            // Every value of a row's start, then random ones: below the first mapped value and past the table too.
            int value = i < largest + 1 ? i : random.Next(largest + 1);
            if (bitsAllocated == 8)
            {
                pixels[i] = (byte)value;
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(i * 2), (ushort)value);
            }
        }

        string path = Write(pixels, Columns, Rows, bitsAllocated, entries, firstMapped, storage, random);
        DicomFile file = DicomFile.Open(path, new DicomFileReadOptions { DeferValuesLongerThan = uint.MaxValue - 1 });
        PixelLayout layout = PixelLayout.FromDataset(file.Dataset);

        RenderedImage ours = FrameRenderer.Render(layout, pixels);

        Assert.Equal(3, ours.Channels);
        ReferenceImages.AssertWithin(ReferenceImages.Dcm2Pnm(path), ours.AsPnm(), 0, 0, $"{bitsAllocated}-bit pixels, {count} entries from {firstMapped}, {storage}");
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "no descriptor", "no green palette colour lookup table descriptor" },
        { "different descriptors", "different descriptors" },
        { "12-bit entries", "12 bits" },
        { "short data", "descriptor says 256 entries" },
        { "segmented", "Segmented" },
        { "signed pixels", "unsigned" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void FromDataset_UnshowablePalette_ThrowsRenderingException(string change, string message)
    {
        string path = Write(new byte[16], 4, 4, 8, 256, 0, Entries.Words16, new Random(1));
        DicomDataset dataset = DicomFile.Open(path).Dataset;
        switch (change)
        {
            case "no descriptor":
                dataset.Remove(DicomTags.GreenPaletteColorLookupTableDescriptor);
                break;
            case "different descriptors":
                Set(dataset, Descriptor(DicomTags.BluePaletteColorLookupTableDescriptor, 256, 1, 16));
                break;
            case "12-bit entries":
                foreach (DicomTag tag in (DicomTag[])[DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableDescriptor])
                {
                    Set(dataset, Descriptor(tag, 256, 0, 12));
                }

                break;
            case "short data":
                Set(dataset, new DicomElement(DicomTags.RedPaletteColorLookupTableData, DicomVR.OW, new byte[300]));
                break;
            case "segmented":
                Set(dataset, new DicomElement(DicomTags.SegmentedRedPaletteColorLookupTableData, DicomVR.OW, new byte[8]));
                break;
            case "signed pixels":
                dataset.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 1);
                break;
        }

        RenderingException e = Assert.Throws<RenderingException>(() => PixelLayout.FromDataset(dataset));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static void Set(DicomDataset dataset, DicomElement element)
    {
        dataset.Remove(element.Tag);
        dataset.Add(element);
    }

    private static DicomElement Descriptor(DicomTag tag, int entries, int first, int bits)
    {
        var value = new byte[6];
        BinaryPrimitives.WriteUInt16LittleEndian(value, (ushort)entries);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(2), (ushort)first);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(4), (ushort)bits);
        return new DicomElement(tag, DicomVR.US, value);
    }

    /// <summary>A Secondary Capture PALETTE COLOR file with random tables, in Explicit VR Little Endian.</summary>
    private string Write(byte[] pixels, int columns, int rows, int bitsAllocated, int entries, int firstMapped, Entries storage, Random random)
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
        int bits = storage == Entries.Words16 ? 16 : 8;
        (DicomTag Descriptor, DicomTag Data)[] tables =
        [
            (DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData),
            (DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData),
            (DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData),
        ];
        foreach ((DicomTag descriptor, DicomTag data) in tables)
        {
            Set(dataset, Descriptor(descriptor, entries, firstMapped, bits));
            byte[] table = storage == Entries.Bytes8 ? new byte[count + (count % 2)] : new byte[count * 2];
            for (int i = 0; i < count; i++)
            {
                switch (storage)
                {
                    case Entries.Bytes8:
                        table[i] = (byte)random.Next(256);
                        break;
                    case Entries.Words8:
                        table[i * 2] = (byte)random.Next(256);
                        break;
                    default:
                        BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(i * 2), (ushort)random.Next(65536));
                        break;
                }
            }

            Set(dataset, new DicomElement(data, DicomVR.OW, table));
        }

        dataset.Add(new DicomElement(DicomTags.PixelData, bitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, pixels.Length % 2 == 0 ? pixels : [.. pixels, 0]));
        string path = Path.Combine(_directory, $"{Guid.NewGuid():N}.dcm");
        DicomFileWriter.WriteAsync(new DicomFile(new DicomDataset(), dataset, TransferSyntax.ExplicitVRLittleEndian), path).GetAwaiter().GetResult();
        return path;
    }
}
