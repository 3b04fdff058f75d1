using Portico.Dicom.Data;

namespace Portico.Dicom.IO;

/// <summary>A DICOM file (PS3.10 §7): preamble, File Meta Information and the data set.</summary>
public sealed class DicomFile
{
    public DicomFile(DicomDataset meta, DicomDataset dataset, TransferSyntax transferSyntax)
    {
        Meta = meta;
        Dataset = dataset;
        TransferSyntax = transferSyntax;
    }

    /// <summary>File Meta Information (group 0002). Empty for a bare data set.</summary>
    public DicomDataset Meta { get; }

    public DicomDataset Dataset { get; }

    public TransferSyntax TransferSyntax { get; }

    /// <summary>The 128-byte preamble as read, or null when the input had none (a bare data set or meta without preamble).</summary>
    public byte[]? Preamble { get; init; }

    /// <summary>The input started with a Part 10 preamble and "DICM".</summary>
    public bool IsPart10 => Preamble is not null;

    /// <summary>Absolute offset of the Pixel Data element's header, or -1 when there is none.</summary>
    public long PixelDataOffset { get; init; } = -1;

    /// <summary>Absolute offset of the Pixel Data value (for encapsulated data, of the first item).</summary>
    public long PixelDataValueOffset { get; init; } = -1;

    /// <summary>Pixel Data value length in bytes; for encapsulated data, the bytes from the first item to the end of the sequence delimiter.</summary>
    public long PixelDataLength { get; init; } = -1;

    /// <summary>Where values kept as <see cref="DicomValueRange"/> can be read from again: the path of the file that was read.</summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// The seekable stream values kept as <see cref="DicomValueRange"/> are read from, when the file was read from a
    /// stream rather than a path. The caller owns it and keeps it open while those values are needed.
    /// </summary>
    public Stream? SourceStream { get; init; }

    /// <summary>Reading stopped early (<see cref="DicomFileReadOptions.StopAt"/>), so the data set is a header.</summary>
    public bool IsHeaderOnly { get; init; }

    /// <summary>Reads a file. Values larger than the defer threshold stay in the file as ranges.</summary>
    public static async Task<DicomFile> OpenAsync(string path, DicomFileReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return await DicomFileReader.ReadAsync(stream, options, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads from a stream. A seekable stream keeps large values as ranges; otherwise they are loaded (within limits).</summary>
    public static Task<DicomFile> ReadAsync(Stream stream, DicomFileReadOptions? options = null, CancellationToken cancellationToken = default) =>
        DicomFileReader.ReadAsync(stream, options, null, cancellationToken);

    /// <summary>Synchronous convenience over <see cref="OpenAsync"/> for tools and tests.</summary>
    public static DicomFile Open(string path, DicomFileReadOptions? options = null) =>
        OpenAsync(path, options).GetAwaiter().GetResult();

    public override string ToString() => $"DicomFile ({TransferSyntax.Name}, {Dataset.Count} entries)";
}
