using Portico.Dicom.Data;

namespace Portico.Interop.Tests;

/// <summary>Compares two data sets element by element: tags, structure and value bytes (loading ranges from their files).</summary>
internal static class DatasetEquality
{
    public static List<string> Differences(DicomDataset expected, DicomDataset actual, string? expectedSource, string? actualSource)
    {
        var differences = new List<string>();
        Compare(expected, actual, expectedSource, actualSource, "", differences);
        return differences;
    }

    private static void Compare(DicomDataset expected, DicomDataset actual, string? es, string? @as, string path, List<string> differences)
    {
        List<DicomItem> a = expected.ToList();
        List<DicomItem> b = actual.ToList();
        if (a.Count != b.Count)
        {
            differences.Add($"{path}: {a.Count} entries became {b.Count}");
            return;
        }

        for (int i = 0; i < a.Count && differences.Count < 20; i++)
        {
            string here = $"{path}/{a[i].Tag}";
            if (a[i].Tag != b[i].Tag)
            {
                differences.Add($"{here}: became {b[i].Tag}");
                return;
            }

            switch (a[i], b[i])
            {
                case (DicomElement x, DicomElement y):
                    byte[] xv = Bytes(x, es);
                    byte[] yv = Bytes(y, @as);
                    if (!SameValue(xv, yv))
                    {
                        differences.Add($"{here}: value differs ({xv.Length} vs {yv.Length} bytes)");
                    }

                    break;
                case (DicomSequence x, DicomSequence y):
                    if (x.Items.Count != y.Items.Count)
                    {
                        differences.Add($"{here}: {x.Items.Count} items became {y.Items.Count}");
                        break;
                    }

                    for (int k = 0; k < x.Items.Count; k++)
                    {
                        Compare(x.Items[k], y.Items[k], es, @as, $"{here}[{k}]", differences);
                    }

                    break;
                case (DicomFragments x, DicomFragments y):
                    if (x.Fragments.Count != y.Fragments.Count)
                    {
                        differences.Add($"{here}: {x.Fragments.Count} fragments became {y.Fragments.Count}");
                    }

                    break;
                default:
                    differences.Add($"{here}: {a[i].GetType().Name} became {b[i].GetType().Name}");
                    break;
            }
        }
    }

    /// <summary>Equal, or equal but for the padding byte the writer adds to an odd-length value (PS3.5 §7.1.1).</summary>
    private static bool SameValue(byte[] x, byte[] y) =>
        x.AsSpan().SequenceEqual(y)
        || (x.Length % 2 == 1 && y.Length == x.Length + 1 && y.AsSpan(0, x.Length).SequenceEqual(x) && y[^1] is 0 or (byte)' ');

    private static byte[] Bytes(DicomElement element, string? source)
    {
        if (element.Range is not { } range)
        {
            return element.Value.ToArray();
        }

        using var stream = File.OpenRead(source!);
        stream.Position = range.Offset;
        byte[] bytes = new byte[range.Length];
        stream.ReadExactly(bytes);
        if (range.BigEndian)
        {
            int unit = element.VR.SwapUnit;
            for (int i = 0; i + unit <= bytes.Length && unit > 1; i += unit)
            {
                Array.Reverse(bytes, i, unit);
            }
        }

        return bytes;
    }
}
