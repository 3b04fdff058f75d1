using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;

namespace Portico.Dicom;

/// <summary>The input is not valid DICOM. Says why, where (byte offset) and in which element.</summary>
public sealed class DicomFormatException : Exception
{
    public DicomFormatException()
        : this("Invalid DICOM data.")
    {
    }

    public DicomFormatException(string message)
        : base(message)
    {
    }

    public DicomFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DicomFormatException(DicomReadError error, long offset, DicomTag? tag)
        : base(Describe(error, offset, tag))
    {
        Error = error;
        Offset = offset;
        Tag = tag;
    }

    public DicomReadError Error { get; }

    public long Offset { get; } = -1;

    public DicomTag? Tag { get; }

    private static string Describe(DicomReadError error, long offset, DicomTag? tag)
    {
        string what = error switch
        {
            DicomReadError.Truncated => "data ends inside an element",
            DicomReadError.LengthBeyondRemaining => "a length runs past the end of its item, sequence or file",
            DicomReadError.NestingTooDeep => "sequences nest too deeply",
            DicomReadError.UnexpectedTagInSequence => "a sequence holds something other than an item",
            DicomReadError.UnexpectedDelimiter => "an item or sequence delimiter with nothing open to close",
            DicomReadError.UndefinedLengthNotAllowed => "an undefined length on an element that cannot have one",
            DicomReadError.ElementCrossesContainerEnd => "an element runs past the end of its item",
            DicomReadError.ValueTooLong => "a value is longer than the configured limit",
            DicomReadError.NotDicom => "not a DICOM file or data set",
            _ => "invalid DICOM data",
        };
        return tag is { } t && t.Value != 0 ? $"Invalid DICOM: {what} at offset {offset} in {t}." : $"Invalid DICOM: {what} at offset {offset}.";
    }
}
