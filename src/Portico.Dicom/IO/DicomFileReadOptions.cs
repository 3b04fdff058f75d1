using Portico.Dicom.Dictionary;

namespace Portico.Dicom.IO;

/// <summary>Options for reading a Part 10 file or a bare data set from a stream.</summary>
public sealed record DicomFileReadOptions
{
    public static readonly DicomFileReadOptions Default = new();

    /// <summary>Reads the header only: everything before Pixel Data, plus where Pixel Data is and how long.</summary>
    public static readonly DicomFileReadOptions HeaderOnly = new() { StopAt = DicomTag.PixelDataTag };

    /// <summary>Stop before the first top-level element at or after this tag. When it is Pixel Data, its offset and length are still reported.</summary>
    public DicomTag? StopAt { get; init; }

    /// <summary>Values longer than this stay in the source as ranges (when the source can seek). Default 64 KiB.</summary>
    public uint DeferValuesLongerThan { get; init; } = 64 * 1024;

    /// <summary>Largest value loaded into memory when the source cannot seek (or is deflated). Default 256 MiB.</summary>
    public long MaxLoadedValueLength { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest inflated size of a deflated data set (zip-bomb guard). Default 1 GiB.</summary>
    public long MaxInflatedLength { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Deepest sequence nesting. Default 64.</summary>
    public int MaxDepth { get; init; } = 64;
}
