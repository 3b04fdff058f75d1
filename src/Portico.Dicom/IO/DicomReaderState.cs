namespace Portico.Dicom.IO;

/// <summary>
/// Everything <see cref="DicomReader"/> needs to resume where it stopped, after
/// <c>JsonReaderState</c>: the encoding, the absolute position, the open containers and any
/// deferred value still to skip. Copy it out of one reader and into the next.
/// </summary>
public struct DicomReaderState
{
    internal Frame[]? Frames;
    internal int Depth;

    public DicomReaderState(TransferSyntax syntax, DicomReaderOptions? options = null)
        : this(syntax.IsExplicitVR, syntax.IsBigEndian, options)
    {
    }

    public DicomReaderState(bool explicitVR, bool bigEndian, DicomReaderOptions? options = null)
    {
        ExplicitVR = explicitVR;
        BigEndian = bigEndian;
        Options = options ?? DicomReaderOptions.Default;
        EndLimit = long.MaxValue;
    }

    /// <summary>Encoding of the top-level data set.</summary>
    public bool ExplicitVR { get; set; }

    public bool BigEndian { get; set; }

    public DicomReaderOptions Options { get; internal set; }

    /// <summary>Absolute offset of the next byte to read (the start of the data the next reader gets).</summary>
    public long Position { get; internal set; }

    /// <summary>Absolute offset where the whole input ends, when known (a file's length): lengths beyond it are refused before anything is read.</summary>
    public long EndLimit { get; set; }

    /// <summary>At the top level, stop (without consuming) before the first element whose tag is at or after this one; 0 for none.</summary>
    public uint StopTag { get; set; }

    /// <summary>At the top level, stop (without consuming) before the first element outside this group; 0 for none. Used for the meta information (group 0002).</summary>
    public ushort OnlyGroup { get; set; }

    /// <summary>Bytes of a deferred value not yet skipped. A driver that streams the value itself lowers this with <see cref="ValueBytesTaken"/>.</summary>
    public long SkipRemaining { get; internal set; }

    /// <summary>Sequence nesting depth (0 = top-level data set).</summary>
    public readonly int CurrentDepth => Depth;

    /// <summary>The driver took <paramref name="count"/> bytes of a deferred value from the stream itself.</summary>
    public void ValueBytesTaken(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, SkipRemaining);
        SkipRemaining -= count;
        Position += count;
    }

    /// <summary>Moves the position without reading (the driver skipped bytes, e.g. the Part 10 preamble).</summary>
    public void Advance(long count) => Position += count;

    internal enum FrameKind : byte
    {
        Sequence,
        Item,
        Fragments,
    }

    internal struct Frame
    {
        public FrameKind Kind;
        /// <summary>Absolute end offset, or -1 for undefined length.</summary>
        public long End;
        /// <summary>Nearest defined end of this frame or any ancestor.</summary>
        public long Limit;
        public bool ExplicitVR;
        public bool BigEndian;
    }
}
