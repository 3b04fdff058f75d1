namespace Portico.Dicom.IO;

/// <summary>Outcome of one <see cref="DicomReader.Read"/> call, after <c>System.Buffers.OperationStatus</c>.</summary>
public enum DicomReadStatus
{
    /// <summary>A token was read; see <see cref="DicomReader.TokenType"/>.</summary>
    Token,
    /// <summary>The bytes end inside a token; nothing of it was consumed. Supply more and call again.</summary>
    NeedMoreData,
    /// <summary>The data is not valid DICOM; see <see cref="DicomReader.Error"/>.</summary>
    InvalidData,
    /// <summary>The final block ended cleanly at the top level.</summary>
    EndOfData,
    /// <summary>The next element is at or after the stop tag; it was not consumed.</summary>
    Stopped,
}

/// <summary>Why data was refused.</summary>
public enum DicomReadError
{
    None,
    /// <summary>The data ends inside an element, item or sequence.</summary>
    Truncated,
    /// <summary>A length is larger than the bytes that remain in the enclosing item, sequence or file.</summary>
    LengthBeyondRemaining,
    /// <summary>Sequences nest deeper than <see cref="DicomReaderOptions.MaxDepth"/>.</summary>
    NestingTooDeep,
    /// <summary>A sequence holds something other than an item or a sequence delimiter.</summary>
    UnexpectedTagInSequence,
    /// <summary>A delimiter appears where no matching undefined-length container is open.</summary>
    UnexpectedDelimiter,
    /// <summary>An undefined length on an element that cannot have one.</summary>
    UndefinedLengthNotAllowed,
    /// <summary>An element ends after the end of its defined-length item or sequence.</summary>
    ElementCrossesContainerEnd,
    /// <summary>A value is larger than <see cref="DicomReaderOptions.MaxValueLength"/>.</summary>
    ValueTooLong,
    /// <summary>The bytes do not start like DICOM at all.</summary>
    NotDicom,
}
