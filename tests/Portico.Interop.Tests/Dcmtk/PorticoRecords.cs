using Portico.Dicom.Data;
using Portico.Dicom.IO;
using Portico.Dicom.Values;

namespace Portico.Interop.Tests.Dcmtk;

/// <summary>Flattens a Portico data set into the same shape as a dcmdump listing, keeping the element for value comparison.</summary>
internal static class PorticoRecords
{
    public sealed record Entry(DumpRecord Record, DicomElement? Element, DicomDataset Owner);

    public static List<Entry> From(DicomFile file)
    {
        var entries = new List<Entry>();
        Add(file.Meta, 0, entries);
        Add(file.Dataset, 0, entries);
        return entries;
    }

    public static List<Entry> From(DicomDataset dataset)
    {
        var entries = new List<Entry>();
        Add(dataset, 0, entries);
        return entries;
    }

    private static void Add(DicomDataset dataset, int depth, List<Entry> entries)
    {
        foreach (DicomItem item in dataset)
        {
            switch (item)
            {
                case DicomElement element:
                    entries.Add(new Entry(new DumpRecord(depth, item.Tag.Value, item.VR.ToString(), element.Length, string.Empty), element, dataset));
                    break;
                case DicomSequence sequence:
                    entries.Add(new Entry(new DumpRecord(depth, item.Tag.Value, "SQ", -1, string.Empty), null, dataset));
                    foreach (DicomDataset child in sequence.Items)
                    {
                        entries.Add(new Entry(new DumpRecord(depth + 1, 0xFFFEE000, "na", -1, string.Empty), null, dataset));
                        Add(child, depth + 2, entries);
                    }

                    break;
                case DicomFragments fragments:
                    entries.Add(new Entry(new DumpRecord(depth, item.Tag.Value, item.VR.ToString(), -1, string.Empty), null, dataset));
                    foreach (DicomFragment fragment in fragments.Fragments)
                    {
                        var element = fragment.Range is { } range
                            ? new DicomElement(new Portico.Dicom.Dictionary.DicomTag(0xFFFEE000), DicomVR.OB, range)
                            : new DicomElement(new Portico.Dicom.Dictionary.DicomTag(0xFFFEE000), DicomVR.OB, fragment.Data);
                        entries.Add(new Entry(new DumpRecord(depth + 1, 0xFFFEE000, "pi", fragment.Length, string.Empty), element, dataset));
                    }

                    break;
            }
        }
    }
}
