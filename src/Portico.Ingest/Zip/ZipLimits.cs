using System.ComponentModel.DataAnnotations;

namespace Portico.Ingest.Zip;

/// <summary>
/// What one uploaded ZIP archive may make Portico unpack, bound from <c>Portico:Ingest:Zip</c>
/// (<see cref="Section"/>). Each limit stops a ZIP bomb long before it fills the disk, the blob
/// store or the CPU, and sits far above what a real study needs. <see cref="ZipWalker"/> checks every
/// limit against the sizes the archive declares before it unpacks an entry, then again against the bytes
/// it actually inflates, and refuses with a reason the uploader can read as soon as one is passed.
/// </summary>
public sealed record ZipLimits
{
    /// <summary>The configuration section these limits are bound from.</summary>
    public const string Section = "Portico:Ingest:Zip";

    /// <summary>
    /// Compression ratios are only checked once this many bytes (1 MiB) have been inflated, for one entry
    /// or for the archive. Small files made mostly of padding or empty pixel data compress far beyond any
    /// sensible ratio, and inflating a megabyte costs nothing; a bomb needs far more than that to do harm.
    /// </summary>
    public const long CompressionRatioFloorBytes = 1L << 20;

    /// <summary>
    /// The archive's table of contents (central directory) may hold at most this many bytes per allowed
    /// entry (1 KiB, so 100 MB at the default <see cref="MaxEntries"/>). A real entry record takes about
    /// 150 bytes; the limit keeps a forged table of contents (huge names, padding fields) from exhausting
    /// memory before the first entry is read.
    /// </summary>
    public const int MaxCentralDirectoryBytesPerEntry = 1024;

    /// <summary>
    /// Most entries (files and folders, counted across nested archives) one upload may hold.
    /// Default 100,000: a CD of several studies, or a large CT series, has a few thousand files; a
    /// hundred thousand is beyond any real upload while the table of contents of that many entries
    /// still fits in a few tens of megabytes of memory. The count comes from the archive's end record,
    /// so an archive with more entries is refused before any of them is unpacked.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>
    /// Most bytes one upload may inflate in total, nested archives included (their own bytes and their
    /// entries' bytes both count: both are written to disk). Default 20 GiB: twice the largest Upload
    /// Portal session a hospital may allow (10 GB), so every legitimate upload fits, while a bomb cannot
    /// fill the disk or the blob store.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxTotalUncompressedBytes { get; init; } = 20L << 30;

    /// <summary>
    /// Most bytes one DICOM entry may inflate to. Default 2 GiB: a DICOM file may be at most 2 GB
    /// (the product's documented limit; DICOM lengths are 32-bit). A larger entry is refused alone and
    /// the walk goes on. Nested ZIP archives are bounded by <see cref="MaxTotalUncompressedBytes"/> instead.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxEntryBytes { get; init; } = 2L << 30;

    /// <summary>
    /// Highest ratio of inflated to compressed bytes, for one entry and for the archive as a whole, checked
    /// once more than <see cref="CompressionRatioFloorBytes"/> have been inflated. Default 200: lossless
    /// compression of real images (even CT with lots of air) stays well under 20:1, while a bomb relies on
    /// deflate's maximum of about 1,000:1 (or more with nesting).
    /// </summary>
    [Range(1.0, double.MaxValue)]
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>
    /// How many levels of ZIP archives inside the uploaded archive are opened. Default 1: a ZIP inside the
    /// uploaded ZIP is opened (people zip folders that already contain a zipped CD), a ZIP inside that one
    /// is reported and skipped, which defeats recursive bombs such as "42.zip". 0 opens no nested archive.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxNestingDepth { get; init; } = 1;

    /// <summary>Throws when a limit is out of range: a configuration bug, caught at the first walk.</summary>
    internal void ThrowIfInvalid()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxEntries);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTotalUncompressedBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxEntryBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxNestingDepth);
        if (!(MaxCompressionRatio >= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCompressionRatio), MaxCompressionRatio, "The compression ratio limit must be at least 1.");
        }
    }
}
