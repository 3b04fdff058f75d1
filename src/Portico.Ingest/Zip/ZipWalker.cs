using System.Diagnostics.CodeAnalysis;

namespace Portico.Ingest.Zip;

/// <summary>
/// Unpacks an uploaded ZIP archive safely: hands each DICOM file in it to the caller as a temporary file,
/// reports every other entry with the reason it was skipped, and refuses ZIP bombs before they fill the
/// disk. Stateless and thread-safe; one instance can serve every upload.
/// </summary>
public sealed class ZipWalker
{
    /// <summary>
    /// Walks the archive at <paramref name="archivePath"/> entry by entry, in archive order.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each entry whose path stays inside the archive and whose first bytes look like DICOM (a 128-byte
    /// preamble then "DICM", or a bare data set starting with a group 0002 or 0008 element) is inflated,
    /// streamed and counted, to a file with a random name in <paramref name="tempDirectory"/>, then passed
    /// to <paramref name="onFile"/> with its name in the archive; the file is deleted when the callback
    /// returns or throws. Entry names are reported, never used as paths. A ".zip" entry is unpacked the same
    /// way and walked in turn, up to <see cref="ZipLimits.MaxNestingDepth"/>, its entries named
    /// "inner.zip/dir/file.dcm".
    /// </para>
    /// <para>
    /// Bad input never throws: a file that is not a ZIP archive, an archive over a limit for the whole
    /// upload (<see cref="ZipLimits.MaxEntries"/>, <see cref="ZipLimits.MaxTotalUncompressedBytes"/>,
    /// <see cref="ZipLimits.MaxCompressionRatio"/>) or an entry that inflates beyond its declared size gives a
    /// result with <see cref="ZipWalkResult.Refused"/> set, after the entries already handled. Limits are
    /// checked against the declared sizes before an entry is unpacked, then against every chunk inflated
    /// before it is written, so a forged entry stops within one 80 KiB buffer of the limit. A damaged entry,
    /// or a DICOM entry larger than <see cref="ZipLimits.MaxEntryBytes"/>, is refused alone.
    /// </para>
    /// <para>
    /// Throws <see cref="OperationCanceledException"/> when cancelled, whatever <paramref name="onFile"/>
    /// throws, and I/O errors opening the archive file or writing the temporary directory (faults of this
    /// machine, not of the upload). An error reading an entry's data reports that entry as damaged.
    /// </para>
    /// </remarks>
    /// <param name="archivePath">The uploaded archive, already spooled to disk by the caller.</param>
    /// <param name="tempDirectory">Where entries are unpacked; created if missing. Only one entry (plus the
    /// nested archives being walked) is on disk at a time.</param>
    /// <param name="limits">The limits of this walk.</param>
    /// <param name="onFile">Receives the entry's name in the archive and the path of its temporary file.</param>
    /// <param name="cancellationToken">Stops the walk between and within entries.</param>
    public Task<ZipWalkResult> WalkAsync(
        string archivePath,
        string tempDirectory,
        ZipLimits limits,
        Func<string, string, CancellationToken, ValueTask> onFile,
        CancellationToken cancellationToken) =>
        WalkAsync(archivePath, tempDirectory, limits, ZipWalkEntries.Dicom, onFile, cancellationToken);

    /// <summary>
    /// Walks the archive like <see cref="WalkAsync(string, string, ZipLimits, Func{string, string, CancellationToken, ValueTask}, CancellationToken)"/>,
    /// within the same limits, handing <paramref name="onFile"/> either the DICOM entries only or, with
    /// <see cref="ZipWalkEntries.All"/>, every file entry whatever its content (for the malware scan, which must see
    /// PDFs, executables and text as well as images). Entries skipped on their metadata (traversal, absolute paths,
    /// folders, DICOMDIR, encrypted, nested too deep) are reported the same way in both modes.
    /// </summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "An instance service, injected where uploads are unpacked.")]
    public async Task<ZipWalkResult> WalkAsync(
        string archivePath,
        string tempDirectory,
        ZipLimits limits,
        ZipWalkEntries entries,
        Func<string, string, CancellationToken, ValueTask> onFile,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentException.ThrowIfNullOrEmpty(tempDirectory);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(onFile);
        limits.ThrowIfInvalid();
        cancellationToken.ThrowIfCancellationRequested();

        Directory.CreateDirectory(tempDirectory);
        var walk = new ZipWalk(tempDirectory, limits, onFile, entries == ZipWalkEntries.All);
        await walk.RunAsync(archivePath, cancellationToken).ConfigureAwait(false);
        return walk.Result;
    }
}
