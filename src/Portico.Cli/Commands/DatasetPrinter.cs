using System.Globalization;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Text;
using Portico.Dicom.Uids;
using Portico.Dicom.Values;

namespace Portico.Cli.Commands;

/// <summary>
/// Prints a data set one element per line: tag, VR, value, then "# length, keyword". Sequences are
/// indented; bulk values are summarised by size, never printed whole.
/// </summary>
internal sealed class DatasetPrinter(TextWriter output)
{
    private const int MaxTextLength = 120;
    private const int MaxBinaryValues = 16;

    public void Print(string path, DicomFile file)
    {
        output.Write("# File: ");
        output.WriteLine(path);
        if (file.Meta.Count > 0)
        {
            output.WriteLine("# File Meta Information");
            PrintDataset(file.Meta, 0);
        }

        output.Write("# Data set: ");
        output.WriteLine(file.TransferSyntax.Name);
        PrintDataset(file.Dataset, 0);
        output.WriteLine();
    }

    private void PrintDataset(DicomDataset dataset, int depth)
    {
        SpecificCharacterSet characterSet = dataset.CharacterSet;
        foreach (DicomItem item in dataset)
        {
            Indent(depth);
            output.Write(item.Tag.ToString());
            output.Write(' ');
            output.Write(item.VR.ToString());
            output.Write(' ');
            switch (item)
            {
                case DicomElement element:
                    long length = WriteValue(element, characterSet);
                    EndLine(length, Keyword(dataset, item.Tag));
                    break;
                case DicomSequence sequence:
                    output.Write("(Sequence with ");
                    output.Write(sequence.Items.Count.ToString(CultureInfo.InvariantCulture));
                    output.Write(sequence.Items.Count == 1 ? " item)" : " items)");
                    EndLine(sequence.UndefinedLength ? -1 : -2, Keyword(dataset, item.Tag));
                    int index = 0;
                    foreach (DicomDataset child in sequence.Items)
                    {
                        Indent(depth + 1);
                        output.Write("(FFFE,E000) na (Item #");
                        output.Write((++index).ToString(CultureInfo.InvariantCulture));
                        output.WriteLine(child.UndefinedLength ? ", undefined length)" : ")");
                        PrintDataset(child, depth + 2);
                    }

                    break;
                case DicomFragments fragments:
                    output.Write("(Encapsulated, ");
                    output.Write(fragments.Fragments.Count.ToString(CultureInfo.InvariantCulture));
                    output.Write(" items including the offset table)");
                    EndLine(-1, Keyword(dataset, item.Tag));
                    for (int i = 0; i < fragments.Fragments.Count; i++)
                    {
                        Indent(depth + 1);
                        output.Write("(FFFE,E000) pi (");
                        output.Write(fragments.Fragments[i].Length.ToString(CultureInfo.InvariantCulture));
                        output.Write(i == 0 ? " bytes, Basic Offset Table)" : " bytes)");
                        output.WriteLine();
                    }

                    break;
            }
        }
    }

    private long WriteValue(DicomElement element, SpecificCharacterSet characterSet)
    {
        if (!element.IsLoaded)
        {
            output.Write("(not loaded: ");
            output.Write(element.Length.ToString(CultureInfo.InvariantCulture));
            output.Write(" bytes at offset ");
            output.Write(element.Range!.Value.Offset.ToString(CultureInfo.InvariantCulture));
            output.Write(')');
            return element.Length;
        }

        DicomVRInfo info = element.VR.Info;
        switch (info.Kind)
        {
            case DicomValueKind.Text:
            {
                string text = element.GetString(characterSet);
                output.Write('[');
                if (text.Length > MaxTextLength)
                {
                    WriteSanitized(text.AsSpan(0, MaxTextLength));
                    output.Write("...");
                }
                else
                {
                    WriteSanitized(text);
                }

                output.Write(']');
                if (element.VR == DicomVR.UI && DicomUid.Find(text) is { } uid)
                {
                    output.Write(" =");
                    output.Write(uid.Keyword.Length > 0 ? uid.Keyword : uid.Name);
                }

                break;
            }

            case DicomValueKind.Binary:
            {
                int count = 0;
                foreach (string v in element.FormatBinary())
                {
                    if (count == MaxBinaryValues)
                    {
                        output.Write("\\...");
                        break;
                    }

                    if (count++ > 0)
                    {
                        output.Write('\\');
                    }

                    output.Write(v);
                }

                if (count == 0)
                {
                    output.Write("(no value)");
                }

                break;
            }

            default:
            {
                ReadOnlySpan<byte> bytes = element.Value.Span;
                if (bytes.IsEmpty)
                {
                    output.Write("(no value)");
                    break;
                }

                int shown = Math.Min(bytes.Length, 16);
                for (int i = 0; i < shown; i++)
                {
                    if (i > 0)
                    {
                        output.Write('\\');
                    }

                    output.Write(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
                }

                if (shown < bytes.Length)
                {
                    output.Write("\\...");
                }

                break;
            }
        }

        return element.Length;
    }

    private void WriteSanitized(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            output.Write(char.IsControl(c) ? '.' : c);
        }
    }

    private void EndLine(long length, string keyword)
    {
        output.Write("  # ");
        output.Write(length switch
        {
            -1 => "u/l",
            -2 => "d/l",
            _ => length.ToString(CultureInfo.InvariantCulture),
        });
        output.Write(", ");
        output.WriteLine(keyword);
    }

    private void Indent(int depth)
    {
        for (int i = 0; i < depth; i++)
        {
            output.Write("  ");
        }
    }

    private static string Keyword(DicomDataset dataset, DicomTag tag)
    {
        if (tag.IsPrivate && !tag.IsPrivateCreator)
        {
            var creatorTag = new DicomTag(tag.Group, (ushort)(tag.Element >> 8));
            string? creator = dataset.GetString(creatorTag);
            if (creator is not null && DicomDictionary.FindPrivate(creator, tag) is { } privateEntry)
            {
                return privateEntry.Name;
            }

            return "PrivateTag";
        }

        return DicomDictionary.Find(tag) is { } entry ? (entry.Keyword.Length > 0 ? entry.Keyword : entry.Name) : "UnknownTag";
    }
}
