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

    public static TheoryData<int, int, int, PaletteEntries> Palettes => new()
    {
        // bits allocated, table entries, first value mapped, how entries are stored
        { 8, 256, 0, PaletteEntries.Words16 },
        { 8, 256, 0, PaletteEntries.Bytes8 },
        { 8, 256, 0, PaletteEntries.Words8 },
        { 8, 200, 30, PaletteEntries.Words16 },
        { 16, 4096, 0, PaletteEntries.Words16 },
        { 16, 1000, 500, PaletteEntries.Words16 },
        { 16, 0, 0, PaletteEntries.Words16 }, // 0 entries in the descriptor means 65,536
    };

    [Theory]
    [MemberData(nameof(Palettes))]
    public void Render_PaletteColor_EqualsDcm2pnm(int bitsAllocated, int entries, int firstMapped, PaletteEntries storage)
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

        string path = PaletteImages.Write(_directory, pixels, Columns, Rows, bitsAllocated, entries, firstMapped, storage, random);
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
        string path = PaletteImages.Write(_directory, new byte[16], 4, 4, 8, 256, 0, PaletteEntries.Words16, new Random(1));
        DicomDataset dataset = DicomFile.Open(path).Dataset;
        switch (change)
        {
            case "no descriptor":
                dataset.Remove(DicomTags.GreenPaletteColorLookupTableDescriptor);
                break;
            case "different descriptors":
                Set(dataset, PaletteImages.Descriptor(DicomTags.BluePaletteColorLookupTableDescriptor, 256, 1, 16));
                break;
            case "12-bit entries":
                foreach (DicomTag tag in (DicomTag[])[DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableDescriptor])
                {
                    Set(dataset, PaletteImages.Descriptor(tag, 256, 0, 12));
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
}
