namespace Portico.Dicom.IO;

/// <summary>Limits and choices for <see cref="DicomReader"/>. Every limit has a default that suits real files.</summary>
public sealed record DicomReaderOptions
{
    public static readonly DicomReaderOptions Default = new();

    /// <summary>Deepest sequence nesting accepted. Default 64, as Utf8JsonReader; real files rarely pass 10.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// Values longer than this are not returned inline: the reader reports their offset and length
    /// and the driver skips or streams them. Default 64 KiB, so a header read never holds bulk data.
    /// </summary>
    public uint DeferValuesLongerThan { get; init; } = 64 * 1024;

    /// <summary>
    /// When the input ends cleanly between elements inside sequences or items (a missing delimiter, a length
    /// past the end of the file), close them instead of failing, as DCMTK does. Default true. Values cut short
    /// are always refused.
    /// </summary>
    public bool CloseContainersAtEnd { get; init; } = true;

    /// <summary>Longest single value accepted at all. Default 4 GiB - 2 (the largest even defined length).</summary>
    public uint MaxValueLength { get; init; } = 0xFFFF_FFFE;
}
