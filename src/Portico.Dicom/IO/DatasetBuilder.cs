using System.Buffers;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.IO;

/// <summary>Turns reader tokens into a <see cref="DicomDataset"/> tree, copying values (little endian) into an arena.</summary>
internal sealed class DatasetBuilder
{
    private readonly ValueArena _arena;
    private readonly List<(DicomDataset Dataset, DicomSequence? Sequence)> _stack = [];
    private DicomDataset _current;
    private DicomSequence? _sequence;
    private DicomFragments? _fragments;

    public DatasetBuilder(DicomDataset root, ValueArena arena)
    {
        Root = root;
        _current = root;
        _arena = arena;
    }

    public DicomDataset Root { get; }

    public long PixelDataOffset { get; private set; } = -1;

    public long PixelDataValueOffset { get; private set; } = -1;

    public long PixelDataLength { get; private set; } = -1;

    /// <summary>Set once the top-level Pixel Data element (or its fragments) is complete.</summary>
    public bool PixelDataComplete { get; private set; }

    public void OnToken(ref DicomReader reader)
    {
        PixelDataComplete = false;
        switch (reader.TokenType)
        {
            case DicomTokenType.Element:
                DicomVR vr = reader.IsImplicitVR && reader.VR == DicomVR.UN && reader.Tag.IsPrivate ? PrivateVR(reader.Tag) : reader.VR;
                AddElement(reader.Tag, vr, Copy(reader.Value, vr, reader.IsBigEndian));
                if (reader.Depth == 0 && reader.Tag == DicomTag.PixelDataTag)
                {
                    PixelDataOffset = reader.HeaderOffset;
                    PixelDataValueOffset = reader.ValueOffset;
                    PixelDataLength = reader.Length;
                    PixelDataComplete = true;
                }

                break;
            case DicomTokenType.SequenceStart:
                var sequence = new DicomSequence(reader.Tag, reader.VR, reader.Length == 0xFFFF_FFFF);
                _current.Add(sequence);
                _stack.Add((_current, _sequence));
                _sequence = sequence;
                break;
            case DicomTokenType.ItemStart:
                var item = new DicomDataset(_current) { UndefinedLength = reader.Length == 0xFFFF_FFFF };
                _sequence!.Items.Add(item);
                _stack.Add((_current, _sequence));
                _current = item;
                break;
            case DicomTokenType.ItemEnd:
            case DicomTokenType.SequenceEnd:
                (_current, _sequence) = _stack[^1];
                _stack.RemoveAt(_stack.Count - 1);
                break;
            case DicomTokenType.FragmentsStart:
                _fragments = new DicomFragments(reader.Tag, reader.VR);
                _current.Add(_fragments);
                if (reader.Depth == 1 && reader.Tag == DicomTag.PixelDataTag)
                {
                    PixelDataOffset = reader.HeaderOffset;
                    PixelDataValueOffset = reader.ValueOffset;
                }

                break;
            case DicomTokenType.Fragment:
                _fragments!.Fragments.Add(new DicomFragment(Copy(reader.Value, DicomVR.OB, false), null));
                break;
            case DicomTokenType.FragmentsEnd:
                if (reader.Depth == 0 && _fragments?.Tag == DicomTag.PixelDataTag)
                {
                    PixelDataLength = reader.HeaderOffset + 8 - PixelDataValueOffset;
                    PixelDataComplete = true;
                }

                _fragments = null;
                break;
        }
    }

    /// <summary>A deferred value left in the source.</summary>
    public void OnDeferred(DicomTokenType type, DicomTag tag, DicomVR vr, long headerOffset, long valueOffset, long length, bool bigEndian, int depth)
    {
        PixelDataComplete = false;
        var range = new DicomValueRange(valueOffset, length, bigEndian);
        if (type == DicomTokenType.Fragment)
        {
            _fragments!.Fragments.Add(new DicomFragment(ReadOnlyMemory<byte>.Empty, range));
            return;
        }

        AddElement(new DicomElement(tag, vr, range));
        if (depth == 0 && tag == DicomTag.PixelDataTag)
        {
            PixelDataOffset = headerOffset;
            PixelDataValueOffset = valueOffset;
            PixelDataLength = length;
            PixelDataComplete = true;
        }
    }

    /// <summary>A deferred value that was loaded (non-seekable source).</summary>
    public void OnLoaded(DicomTokenType type, DicomTag tag, DicomVR vr, byte[] value, bool bigEndian)
    {
        if (bigEndian)
        {
            ByteSwap.InPlace(value, vr);
        }

        if (type == DicomTokenType.Fragment)
        {
            _fragments!.Fragments.Add(new DicomFragment(value, null));
            return;
        }

        AddElement(tag, vr, value);
    }

    /// <summary>In implicit VR data, a private element's VR comes from the private dictionary of its creator (as DCMTK does).</summary>
    private DicomVR PrivateVR(DicomTag tag)
    {
        if (tag.IsPrivateCreator)
        {
            return DicomVR.LO;
        }

        if (_current.TryGetElement(new DicomTag(tag.Group, (ushort)(tag.Element >> 8)), out DicomElement? creatorElement))
        {
            string creator = creatorElement.GetString();
            return DicomDictionary.ImplicitVR(tag, creator);
        }

        return DicomVR.UN;
    }

    private void AddElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value) => AddElement(new DicomElement(tag, vr, value));

    private void AddElement(DicomElement element) => _current.Add(element);

    private Memory<byte> Copy(ReadOnlySequence<byte> value, DicomVR vr, bool bigEndian)
    {
        Memory<byte> memory = _arena.Allocate(checked((int)value.Length));
        value.CopyTo(memory.Span);
        if (bigEndian)
        {
            ByteSwap.InPlace(memory.Span, vr);
        }

        return memory;
    }
}
