using System.Buffers;
using System.Buffers.Binary;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.IO;

/// <summary>
/// Encodes a data set in an uncompressed or encapsulated transfer syntax (PS3.5 §7). Sequences and
/// items keep the defined or undefined length they were read with, so a well-formed file written back
/// in its own transfer syntax is byte-identical. Values kept as ranges are copied from their source.
/// </summary>
public sealed class DicomWriter : IDisposable
{
    private const uint UndefinedLength = 0xFFFF_FFFF;
    private const ushort MetaGroup = 0x0002;
    private readonly Stream _output;
    private readonly string? _sourcePath;
    private readonly Stream? _sourceStream;
    private Stream? _source;
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);

    /// <param name="output">Where the bytes go (buffer it: the writer makes small writes).</param>
    /// <param name="sourcePath">The file that values kept as <see cref="DicomValueRange"/> are read from.</param>
    /// <param name="sourceStream">Or the seekable stream they are read from (not disposed by the writer).</param>
    public DicomWriter(Stream output, string? sourcePath = null, Stream? sourceStream = null)
    {
        _output = output;
        _sourcePath = sourcePath;
        _sourceStream = sourceStream;
    }

    /// <summary>Writes <paramref name="dataset"/> in <paramref name="syntax"/> (deflate is the caller's: see <see cref="DicomFileWriter"/>).</summary>
    public void WriteDataset(DicomDataset dataset, TransferSyntax syntax) => Write(dataset, syntax, withoutMeta: false);

    /// <summary>
    /// <see cref="WriteDataset"/> for the data set of a Part 10 file or of a DIMSE message: without File Meta Information
    /// elements (group 0002), which belong only in the meta group before the data set (PS3.10 §7.1). One found in a data
    /// set (read from a file whose meta group broke off early) would be taken by the next reader for meta information,
    /// its Transfer Syntax UID included, and the rest misread.
    /// </summary>
    public void WriteDatasetWithoutMeta(DicomDataset dataset, TransferSyntax syntax) => Write(dataset, syntax, withoutMeta: true);

    private void Write(DicomDataset dataset, TransferSyntax syntax, bool withoutMeta)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        var encoding = new Encoding(syntax.IsExplicitVR, syntax.IsBigEndian);
        foreach (DicomItem item in dataset)
        {
            if (!withoutMeta || item.Tag.Group != MetaGroup)
            {
                WriteItem(item, encoding);
            }
        }
    }

    /// <summary>The encoded length of a data set in an encoding, for defined-length items and group lengths.</summary>
    public static long MeasureDataset(DicomDataset dataset, bool explicitVR)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        long total = 0;
        foreach (DicomItem item in dataset)
        {
            total += Measure(item, new Encoding(explicitVR, false));
        }

        return total;
    }

    public void Dispose()
    {
        if (!ReferenceEquals(_source, _sourceStream))
        {
            _source?.Dispose();
        }

        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    private readonly record struct Encoding(bool ExplicitVR, bool BigEndian);

    private static long Measure(DicomItem item, Encoding encoding)
    {
        switch (item)
        {
            case DicomElement element:
            {
                long length = (element.Length + 1) & ~1L;
                return HeaderLength(element.VR, length, encoding) + length;
            }

            case DicomSequence sequence:
            {
                Encoding inner = InnerEncoding(sequence, encoding);
                long total = HeaderLength(DicomVR.SQ, 0, encoding);
                foreach (DicomDataset child in sequence.Items)
                {
                    total += 8 + MeasureItem(child, inner) + (child.UndefinedLength ? 8 : 0);
                }

                return total + (sequence.UndefinedLength ? 8 : 0);
            }

            case DicomFragments fragments:
            {
                long total = HeaderLength(DicomVR.OB, 0, encoding) + 8;
                foreach (DicomFragment fragment in fragments.Fragments)
                {
                    total += 8 + ((fragment.Length + 1) & ~1L);
                }

                return total;
            }

            default:
                throw new InvalidOperationException("Unknown item type.");
        }
    }

    private static long MeasureItem(DicomDataset item, Encoding encoding)
    {
        long total = 0;
        foreach (DicomItem child in item)
        {
            total += Measure(child, encoding);
        }

        return total;
    }

    private static Encoding InnerEncoding(DicomSequence sequence, Encoding outer) =>
        sequence.VR == DicomVR.UN ? new Encoding(false, false) : outer;

    private static int HeaderLength(DicomVR vr, long valueLength, Encoding encoding) =>
        !encoding.ExplicitVR ? 8 : vr.HasLongHeader || valueLength > 0xFFFF || !vr.IsKnown ? 12 : 8;

    private void WriteItem(DicomItem item, Encoding encoding)
    {
        switch (item)
        {
            case DicomElement element:
                WriteElement(element, encoding);
                break;
            case DicomSequence sequence:
            {
                Encoding inner = InnerEncoding(sequence, encoding);
                uint length = UndefinedLength;
                if (!sequence.UndefinedLength)
                {
                    long measured = 0;
                    foreach (DicomDataset child in sequence.Items)
                    {
                        measured += 8 + MeasureItem(child, inner) + (child.UndefinedLength ? 8 : 0);
                    }

                    length = checked((uint)measured);
                }

                WriteHeader(sequence.Tag, sequence.VR == DicomVR.UN ? DicomVR.UN : DicomVR.SQ, length, encoding);
                foreach (DicomDataset child in sequence.Items)
                {
                    uint itemLength = child.UndefinedLength ? UndefinedLength : checked((uint)MeasureItem(child, inner));
                    WriteTagAndLength(DicomTag.Item, itemLength, inner.BigEndian);
                    foreach (DicomItem grandChild in child)
                    {
                        WriteItem(grandChild, inner);
                    }

                    if (child.UndefinedLength)
                    {
                        WriteTagAndLength(DicomTag.ItemDelimitationItem, 0, inner.BigEndian);
                    }
                }

                if (sequence.UndefinedLength)
                {
                    WriteTagAndLength(DicomTag.SequenceDelimitationItem, 0, inner.BigEndian);
                }

                break;
            }

            case DicomFragments fragments:
                WriteHeader(fragments.Tag, fragments.VR, UndefinedLength, encoding);
                foreach (DicomFragment fragment in fragments.Fragments)
                {
                    long length = (fragment.Length + 1) & ~1L;
                    WriteTagAndLength(DicomTag.Item, checked((uint)length), encoding.BigEndian);
                    if (fragment.Range is { } range)
                    {
                        CopyRange(range, DicomVR.OB, encoding.BigEndian);
                    }
                    else
                    {
                        _output.Write(fragment.Data.Span);
                    }

                    if ((fragment.Length & 1) == 1)
                    {
                        _output.WriteByte(0);
                    }
                }

                WriteTagAndLength(DicomTag.SequenceDelimitationItem, 0, encoding.BigEndian);
                break;
        }
    }

    private void WriteElement(DicomElement element, Encoding encoding)
    {
        long length = element.Length;
        long padded = (length + 1) & ~1L;
        DicomVR vr = element.VR;
        if (encoding.ExplicitVR && !vr.HasLongHeader && padded > 0xFFFF)
        {
            vr = DicomVR.UN; // PS3.5 §6.2.2: a value too long for a 16-bit length is sent as UN.
        }

        WriteHeader(element.Tag, vr, checked((uint)padded), encoding);
        if (element.Range is { } range)
        {
            CopyRange(range, element.VR, encoding.BigEndian);
        }
        else if (encoding.BigEndian && element.VR.SwapUnit > 1)
        {
            ReadOnlySpan<byte> value = element.Value.Span;
            while (!value.IsEmpty)
            {
                int n = Math.Min(value.Length, _scratch.Length);
                value[..n].CopyTo(_scratch);
                SwapToBigEndian(_scratch.AsSpan(0, n), element.VR);
                _output.Write(_scratch, 0, n);
                value = value[n..];
            }
        }
        else
        {
            _output.Write(element.Value.Span);
        }

        if (padded != length)
        {
            _output.WriteByte(element.VR.Padding);
        }
    }

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length, Encoding encoding)
    {
        Span<byte> h = stackalloc byte[12];
        WriteTag(h, tag, encoding.BigEndian);
        if (!encoding.ExplicitVR)
        {
            WriteUInt32(h[4..], length, encoding.BigEndian);
            _output.Write(h[..8]);
            return;
        }

        if (!vr.IsKnown)
        {
            vr = DicomVR.UN;
        }

        h[4] = (byte)(vr.Code >> 8);
        h[5] = (byte)vr.Code;
        if (vr.HasLongHeader)
        {
            h[6] = 0;
            h[7] = 0;
            WriteUInt32(h[8..], length, encoding.BigEndian);
            _output.Write(h);
        }
        else
        {
            if (encoding.BigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(h[6..], (ushort)length);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(h[6..], (ushort)length);
            }

            _output.Write(h[..8]);
        }
    }

    private void WriteTagAndLength(DicomTag tag, uint length, bool bigEndian)
    {
        Span<byte> h = stackalloc byte[8];
        WriteTag(h, tag, bigEndian);
        WriteUInt32(h[4..], length, bigEndian);
        _output.Write(h);
    }

    private static void WriteTag(Span<byte> h, DicomTag tag, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(h, tag.Group);
            BinaryPrimitives.WriteUInt16BigEndian(h[2..], tag.Element);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h, tag.Group);
            BinaryPrimitives.WriteUInt16LittleEndian(h[2..], tag.Element);
        }
    }

    private static void WriteUInt32(Span<byte> h, uint value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(h, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(h, value);
        }
    }

    private static void SwapToBigEndian(Span<byte> bytes, DicomVR vr) => ByteSwap.InPlace(bytes, vr); // a swap is its own inverse

    private void CopyRange(DicomValueRange range, DicomVR vr, bool bigEndianOutput)
    {
        if (_source is null)
        {
            if (_sourceStream is not null)
            {
                _source = _sourceStream;
            }
            else if (_sourcePath is not null)
            {
                _source = new FileStream(_sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            }
            else
            {
                throw new InvalidOperationException("A value was left in its source, but the writer was given neither the source path nor the source stream.");
            }
        }

        _source.Position = range.Offset;
        long rest = range.Length;
        bool swap = range.BigEndian != bigEndianOutput && vr.SwapUnit > 1;
        while (rest > 0)
        {
            int want = (int)Math.Min(rest, _scratch.Length);
            if (swap)
            {
                want &= ~7;
                want = Math.Max(want, (int)Math.Min(rest, 8));
            }

            _source.ReadExactly(_scratch, 0, want);
            if (swap)
            {
                ByteSwap.InPlace(_scratch.AsSpan(0, want), vr);
            }

            _output.Write(_scratch, 0, want);
            rest -= want;
        }
    }
}
