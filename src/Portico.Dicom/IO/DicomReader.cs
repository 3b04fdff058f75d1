using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.IO;

/// <summary>
/// A resumable, forward-only tokenizer for a DICOM data set (PS3.5 §7) over bytes in memory,
/// after <c>Utf8JsonReader</c>: each <see cref="Read"/> yields one token, or
/// <see cref="DicomReadStatus.NeedMoreData"/> with nothing of the incomplete token consumed.
/// It never allocates on the heap and never trusts a length: each is checked against the bytes that
/// remain in the enclosing item, sequence and file before anything is done with it.
/// </summary>
/// <remarks>
/// Real-world quirks tolerated, as DCMTK and pydicom do (docs/dicom-quirks.md):
/// odd value lengths are kept as is; in an explicit VR data set, an element whose VR bytes are not
/// a VR is read as implicit VR (4-byte length, VR from the dictionary); UN of undefined length is an
/// implicit VR little endian sequence (PS3.5 §6.2.2); a stray item delimiter inside a sequence or a
/// defined-length item is skipped; group lengths may be missing or wrong (they are not used).
/// </remarks>
public ref struct DicomReader
{
    private const uint UndefinedLength = 0xFFFF_FFFF;
    private const uint ItemTag = 0xFFFE_E000;
    private const uint ItemDelimitationTag = 0xFFFE_E00D;
    private const uint SequenceDelimitationTag = 0xFFFE_E0DD;
    private const uint PixelDataTag = 0x7FE0_0010;

    private SequenceReader<byte> _reader;
    private readonly bool _isFinalBlock;
    private DicomReaderState _state;
    private readonly long _basePosition;

    public DicomReader(ReadOnlySequence<byte> data, bool isFinalBlock, DicomReaderState state)
    {
        _reader = new SequenceReader<byte>(data);
        _isFinalBlock = isFinalBlock;
        _state = state;
        _basePosition = state.Position;
        _state.Frames ??= new DicomReaderState.Frame[8];
    }

    /// <summary>The state to give the next reader: its data must start at <see cref="BytesConsumed"/>.</summary>
    public readonly DicomReaderState CurrentState
    {
        get
        {
            DicomReaderState s = _state;
            s.Position = _basePosition + _reader.Consumed;
            return s;
        }
    }

    /// <summary>Bytes of this reader's input consumed so far.</summary>
    public readonly long BytesConsumed => _reader.Consumed;

    /// <summary>The absolute offset of the next unread byte.</summary>
    public readonly long Position => _basePosition + _reader.Consumed;

    /// <summary>After NeedMoreData: how many bytes from <see cref="BytesConsumed"/> the pending token needs at least.</summary>
    public long BytesNeeded { get; private set; }

    public DicomTokenType TokenType { get; private set; }

    public DicomTag Tag { get; private set; }

    public DicomVR VR { get; private set; }

    /// <summary>The length field as encoded (0xFFFFFFFF for undefined length).</summary>
    public uint Length { get; private set; }

    /// <summary>Absolute offset of the token's first header byte.</summary>
    public long HeaderOffset { get; private set; }

    /// <summary>Absolute offset of the value (the first byte after the header).</summary>
    public long ValueOffset { get; private set; }

    /// <summary>The value bytes, in the data set's byte order, when not deferred.</summary>
    public ReadOnlySequence<byte> Value { get; private set; }

    /// <summary>The value is longer than the defer threshold: it was not read; the next <see cref="Read"/> skips it unless the driver takes it.</summary>
    public bool IsValueDeferred { get; private set; }

    /// <summary>Byte order of the current token's value.</summary>
    public bool IsBigEndian { get; private set; }

    /// <summary>The token is inside an implicit VR scope (implicit transfer syntax, or UN of undefined length).</summary>
    public bool IsImplicitVR { get; private set; }

    /// <summary>The explicit VR bytes were not a VR; the VR comes from the dictionary.</summary>
    public bool VRFromDictionary { get; private set; }

    public readonly int Depth => _state.Depth;

    public DicomReadError Error { get; private set; }

    public long ErrorOffset { get; private set; }

    public DicomReadStatus Read()
    {
        TokenType = DicomTokenType.None;
        IsValueDeferred = false;
        VRFromDictionary = false;
        Value = default;
        BytesNeeded = 0;

        if (_state.SkipRemaining > 0)
        {
            long n = Math.Min(_reader.Remaining, _state.SkipRemaining);
            _reader.Advance(n);
            _state.SkipRemaining -= n;
            if (_state.SkipRemaining > 0)
            {
                BytesNeeded = _state.SkipRemaining;
                return _isFinalBlock ? Fail(DicomReadError.Truncated, Position) : DicomReadStatus.NeedMoreData;
            }
        }

        while (true)
        {
            if (_state.Depth == 0)
            {
                if (_reader.End)
                {
                    return _isFinalBlock ? DicomReadStatus.EndOfData : DicomReadStatus.NeedMoreData;
                }

                return ReadElement(skipStray: out bool _);
            }

            ref DicomReaderState.Frame top = ref _state.Frames![_state.Depth - 1];
            long pos = Position;
            if (_reader.End && _isFinalBlock && top.Kind != DicomReaderState.FrameKind.Fragments && _state.Options.CloseContainersAtEnd)
            {
                // Quirk (DCMTK does the same): the data ends cleanly between elements inside a sequence or item
                // whose delimiter or full length is missing. Close what is open rather than lose the data set.
                HeaderOffset = pos;
                SetToken(top.Kind == DicomReaderState.FrameKind.Item ? DicomTokenType.ItemEnd : DicomTokenType.SequenceEnd, default, DicomVR.None, 0, pos);
                _state.Depth--;
                return DicomReadStatus.Token;
            }

            if (top.End >= 0)
            {
                if (pos == top.End)
                {
                    HeaderOffset = pos;
                    SetToken(
                        top.Kind switch
                        {
                            DicomReaderState.FrameKind.Item => DicomTokenType.ItemEnd,
                            DicomReaderState.FrameKind.Sequence => DicomTokenType.SequenceEnd,
                            _ => DicomTokenType.FragmentsEnd,
                        },
                        default,
                        DicomVR.None,
                        0,
                        pos);
                    _state.Depth--;
                    return DicomReadStatus.Token;
                }

                if (pos > top.End)
                {
                    return Fail(DicomReadError.ElementCrossesContainerEnd, pos);
                }
            }

            DicomReadStatus status;
            bool stray = false;
            if (top.Kind == DicomReaderState.FrameKind.Sequence)
            {
                status = ReadInSequence(ref top, out stray);
            }
            else if (top.Kind == DicomReaderState.FrameKind.Fragments)
            {
                status = ReadInFragments(ref top);
            }
            else
            {
                status = ReadElement(out stray);
            }

            if (!stray)
            {
                return status;
            }

            // A stray delimiter was skipped: look again.
        }
    }

    private DicomReadStatus ReadInSequence(ref DicomReaderState.Frame top, out bool skipStray)
    {
        skipStray = false;
        long pos = Position;
        if (_reader.Remaining < 8)
        {
            return NeedOrTruncated(8, pos);
        }

        ReadItemHeader(top.BigEndian, out uint tag, out uint length);
        HeaderOffset = pos;
        switch (tag)
        {
            case ItemTag:
                if (_state.Depth >= _state.Options.MaxDepth)
                {
                    return Fail(DicomReadError.NestingTooDeep, pos);
                }

                long end = -1;
                long limit = top.Limit;
                if (length != UndefinedLength)
                {
                    end = pos + 8 + length;
                    if (end > limit)
                    {
                        if (!ClampToEnd(ref end, limit))
                        {
                            return Fail(DicomReadError.LengthBeyondRemaining, pos);
                        }
                    }

                    limit = end;
                }

                _reader.Advance(8);
                Push(DicomReaderState.FrameKind.Item, end, limit, top.ExplicitVR, top.BigEndian);
                SetToken(DicomTokenType.ItemStart, new DicomTag(ItemTag), DicomVR.None, length, pos + 8);
                return DicomReadStatus.Token;

            case SequenceDelimitationTag:
                if (top.End >= 0)
                {
                    return Fail(DicomReadError.UnexpectedDelimiter, pos);
                }

                _reader.Advance(8);
                _state.Depth--;
                SetToken(DicomTokenType.SequenceEnd, new DicomTag(tag), DicomVR.None, length, pos + 8);
                return DicomReadStatus.Token;

            case ItemDelimitationTag:
                // Quirk: an item delimiter directly inside a sequence (seen after defined-length items).
                _reader.Advance(8);
                skipStray = true;
                return DicomReadStatus.Token;

            default:
                return Fail(DicomReadError.UnexpectedTagInSequence, pos, new DicomTag(tag));
        }
    }

    private DicomReadStatus ReadInFragments(ref DicomReaderState.Frame top)
    {
        long pos = Position;
        if (_reader.Remaining < 8)
        {
            return NeedOrTruncated(8, pos);
        }

        ReadItemHeader(top.BigEndian, out uint tag, out uint length);
        HeaderOffset = pos;
        switch (tag)
        {
            case ItemTag:
                if (length == UndefinedLength)
                {
                    return Fail(DicomReadError.UndefinedLengthNotAllowed, pos, new DicomTag(tag));
                }

                return ReadValue(DicomTokenType.Fragment, new DicomTag(tag), DicomVR.OB, 8, length, top.Limit, top.BigEndian);

            case SequenceDelimitationTag:
                _reader.Advance(8);
                _state.Depth--;
                SetToken(DicomTokenType.FragmentsEnd, new DicomTag(tag), DicomVR.None, length, pos + 8);
                return DicomReadStatus.Token;

            default:
                return Fail(DicomReadError.UnexpectedTagInSequence, pos, new DicomTag(tag));
        }
    }

    private DicomReadStatus ReadElement(out bool skipStray)
    {
        skipStray = false;
        long pos = Position;
        bool explicitVR, bigEndian;
        long limit;
        if (_state.Depth == 0)
        {
            explicitVR = _state.ExplicitVR;
            bigEndian = _state.BigEndian;
            limit = _state.EndLimit;
        }
        else
        {
            ref DicomReaderState.Frame f = ref _state.Frames![_state.Depth - 1];
            explicitVR = f.ExplicitVR;
            bigEndian = f.BigEndian;
            limit = f.Limit;
        }

        if (_reader.Remaining < 8)
        {
            return NeedOrTruncated(8, pos);
        }

        Span<byte> header = stackalloc byte[12];
        int peeked = (int)Math.Min(12, _reader.Remaining);
        _reader.TryCopyTo(header[..peeked]);
        if (peeked < 12)
        {
            header[peeked..].Clear();
        }

        uint tag = bigEndian
            ? ((uint)BinaryPrimitives.ReadUInt16BigEndian(header) << 16) | BinaryPrimitives.ReadUInt16BigEndian(header[2..])
            : ((uint)BinaryPrimitives.ReadUInt16LittleEndian(header) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
        HeaderOffset = pos;
        IsBigEndian = bigEndian;
        IsImplicitVR = !explicitVR;

        if (_state.Depth == 0 && ((_state.StopTag != 0 && tag >= _state.StopTag) || (_state.OnlyGroup != 0 && (tag >> 16) != _state.OnlyGroup)))
        {
            Tag = new DicomTag(tag);
            return DicomReadStatus.Stopped;
        }

        if ((tag >> 16) == 0xFFFE)
        {
            uint delimiterLength = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (tag == ItemDelimitationTag && _state.Depth > 0)
            {
                ref DicomReaderState.Frame f = ref _state.Frames![_state.Depth - 1];
                _reader.Advance(8);
                if (f.End >= 0)
                {
                    // Quirk: a delimiter closing a defined-length item; the length already does.
                    skipStray = true;
                    return DicomReadStatus.Token;
                }

                _state.Depth--;
                SetToken(DicomTokenType.ItemEnd, new DicomTag(tag), DicomVR.None, delimiterLength, pos + 8);
                return DicomReadStatus.Token;
            }

            return Fail(DicomReadError.UnexpectedDelimiter, pos, new DicomTag(tag));
        }

        DicomTag dicomTag = new(tag);
        DicomVR vr;
        uint length;
        int headerLength;
        if (explicitVR && IsVRCharacter(header[4]) && IsVRCharacter(header[5]) && DicomVR.TryParse(header.Slice(4, 2), out vr))
        {
            if (vr.HasLongHeader)
            {
                if (_reader.Remaining < 12)
                {
                    return NeedOrTruncated(12, pos);
                }

                length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
                headerLength = 12;
            }
            else
            {
                length = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(header[6..]) : BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
                headerLength = 8;
            }
        }
        else
        {
            vr = DicomDictionary.ImplicitVR(dicomTag);
            VRFromDictionary = explicitVR;
            length = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            headerLength = 8;
        }

        if (length == UndefinedLength)
        {
            if (_state.Depth >= _state.Options.MaxDepth)
            {
                return Fail(DicomReadError.NestingTooDeep, pos, dicomTag);
            }

            if (vr == DicomVR.SQ)
            {
                _reader.Advance(headerLength);
                Push(DicomReaderState.FrameKind.Sequence, -1, limit, explicitVR, bigEndian);
                SetToken(DicomTokenType.SequenceStart, dicomTag, vr, length, pos + headerLength);
                return DicomReadStatus.Token;
            }

            if ((dicomTag.Value & 0xFF00FFFF) == PixelDataTag || (explicitVR && (vr == DicomVR.OB || vr == DicomVR.OW)))
            {
                _reader.Advance(headerLength);
                Push(DicomReaderState.FrameKind.Fragments, -1, limit, explicitVR, bigEndian);
                SetToken(DicomTokenType.FragmentsStart, dicomTag, vr == DicomVR.OW && !VRFromDictionary && explicitVR ? DicomVR.OW : DicomVR.OB, length, pos + headerLength); // PS3.5 §A.4: OB unless the data says OW
                return DicomReadStatus.Token;
            }

            if (vr == DicomVR.UN || !explicitVR)
            {
                // PS3.5 §6.2.2: UN of undefined length holds an implicit VR little endian sequence.
                _reader.Advance(headerLength);
                Push(DicomReaderState.FrameKind.Sequence, -1, limit, false, false);
                SetToken(DicomTokenType.SequenceStart, dicomTag, vr, length, pos + headerLength);
                return DicomReadStatus.Token;
            }

            return Fail(DicomReadError.UndefinedLengthNotAllowed, pos, dicomTag);
        }

        if (vr == DicomVR.SQ)
        {
            if (_state.Depth >= _state.Options.MaxDepth)
            {
                return Fail(DicomReadError.NestingTooDeep, pos, dicomTag);
            }

            long end = pos + headerLength + length;
            if (end > limit && !ClampToEnd(ref end, limit))
            {
                return Fail(DicomReadError.LengthBeyondRemaining, pos, dicomTag);
            }

            _reader.Advance(headerLength);
            Push(DicomReaderState.FrameKind.Sequence, end, end, explicitVR, bigEndian);
            SetToken(DicomTokenType.SequenceStart, dicomTag, vr, length, pos + headerLength);
            return DicomReadStatus.Token;
        }

        return ReadValue(DicomTokenType.Element, dicomTag, vr, headerLength, length, limit, bigEndian);
    }

    private DicomReadStatus ReadValue(DicomTokenType type, DicomTag tag, DicomVR vr, int headerLength, uint length, long limit, bool bigEndian)
    {
        long pos = Position;
        if (length > _state.Options.MaxValueLength)
        {
            return Fail(DicomReadError.ValueTooLong, pos, tag);
        }

        if (pos + headerLength + length > limit)
        {
            return Fail(DicomReadError.LengthBeyondRemaining, pos, tag);
        }

        if (length > _state.Options.DeferValuesLongerThan)
        {
            _reader.Advance(headerLength);
            SetToken(type, tag, vr, length, pos + headerLength);
            IsBigEndian = bigEndian;
            IsValueDeferred = true;
            _state.SkipRemaining = length;
            return DicomReadStatus.Token;
        }

        long total = headerLength + (long)length;
        if (_reader.Remaining < total)
        {
            return NeedOrTruncated(total, pos, tag);
        }

        _reader.Advance(headerLength);
        SetToken(type, tag, vr, length, pos + headerLength);
        IsBigEndian = bigEndian;
        Value = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return DicomReadStatus.Token;
    }

    /// <summary>A defined-length item or sequence that claims more than the file holds is cut at the end of the file (see CloseContainersAtEnd).</summary>
    private readonly bool ClampToEnd(ref long end, long limit)
    {
        if (!_state.Options.CloseContainersAtEnd || limit != _state.EndLimit || limit == long.MaxValue)
        {
            return false;
        }

        end = limit;
        return true;
    }

    private void ReadItemHeader(bool bigEndian, out uint tag, out uint length)
    {
        Span<byte> header = stackalloc byte[8];
        _reader.TryCopyTo(header);
        if (bigEndian)
        {
            tag = ((uint)BinaryPrimitives.ReadUInt16BigEndian(header) << 16) | BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
            length = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        }
        else
        {
            tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(header) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
            length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        }

        IsBigEndian = bigEndian;
    }

    private void Push(DicomReaderState.FrameKind kind, long end, long limit, bool explicitVR, bool bigEndian)
    {
        DicomReaderState.Frame[] frames = _state.Frames!;
        if (_state.Depth == frames.Length)
        {
            Array.Resize(ref frames, frames.Length * 2);
            _state.Frames = frames;
        }

        frames[_state.Depth++] = new DicomReaderState.Frame
        {
            Kind = kind,
            End = end,
            Limit = limit,
            ExplicitVR = explicitVR,
            BigEndian = bigEndian,
        };
    }

    private void SetToken(DicomTokenType type, DicomTag tag, DicomVR vr, uint length, long valueOffset)
    {
        TokenType = type;
        Tag = tag;
        VR = vr;
        Length = length;
        ValueOffset = valueOffset;
    }

    private DicomReadStatus NeedOrTruncated(long needed, long pos, DicomTag tag = default)
    {
        BytesNeeded = needed;
        return _isFinalBlock ? Fail(DicomReadError.Truncated, pos, tag) : DicomReadStatus.NeedMoreData;
    }

    private DicomReadStatus Fail(DicomReadError error, long offset, DicomTag tag = default)
    {
        Error = error;
        ErrorOffset = offset;
        Tag = tag;
        return DicomReadStatus.InvalidData;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsVRCharacter(byte b) => (uint)(b - 'A') <= 'Z' - 'A';
}
