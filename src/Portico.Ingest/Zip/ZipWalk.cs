using System.Buffers;
using System.IO.Compression;

namespace Portico.Ingest.Zip;

/// <summary>The state of one <see cref="ZipWalker.WalkAsync"/> call: its budget, its reports, its refusal.</summary>
internal sealed class ZipWalk
{
    private const int BufferSize = 81920;

    private readonly string _tempDirectory;
    private readonly ZipLimits _limits;
    private readonly Func<string, string, CancellationToken, ValueTask> _onFile;
    private readonly ZipBudget _budget;
    private readonly bool _allFiles;
    private readonly List<ZipEntryReport> _reports = [];
    private string? _refusalReason;

    /// <param name="allFiles">Hand every file entry to <paramref name="onFile"/>, not only those that look like DICOM.</param>
    public ZipWalk(string tempDirectory, ZipLimits limits, Func<string, string, CancellationToken, ValueTask> onFile, bool allFiles = false)
    {
        _allFiles = allFiles;
        _tempDirectory = tempDirectory;
        _limits = limits;
        _onFile = onFile;
        _budget = new ZipBudget(limits);
    }

    public ZipWalkResult Result => new(_reports.ToArray(), _refusalReason is not null, _refusalReason);

    public async Task RunAsync(string archivePath, CancellationToken cancellationToken)
    {
        if (!await WalkArchiveAsync(archivePath, namePrefix: "", depth: 0, containerSlot: -1, cancellationToken).ConfigureAwait(false))
        {
            Refuse(ZipReasons.NotZipArchive, containerSlot: -1);
        }
    }

    /// <summary>
    /// What the BCL throws on malformed archive data (bad headers, bad offsets, bad deflate data, an
    /// unsupported compression method). Caught only around reads of the archive, never around writes.
    /// </summary>
    private static bool IsArchiveDamage(Exception exception) =>
        exception is InvalidDataException or IOException or NotSupportedException or ArgumentException or OverflowException;

    /// <summary>Walks one archive; false when it cannot be opened as a ZIP archive.</summary>
    /// <param name="containerSlot">The report of the nested archive being walked, or -1 for the upload itself.</param>
    private async Task<bool> WalkArchiveAsync(string path, string namePrefix, int depth, int containerSlot, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            if (await ZipEndRecord.ReadAsync(stream.SafeFileHandle, cancellationToken).ConfigureAwait(false) is not { } declared)
            {
                return false;
            }

            // Before the BCL loads the whole table of contents into memory.
            if (declared.EntryCount > _budget.RemainingEntries)
            {
                Refuse(ZipReasons.TooManyEntries(_limits.MaxEntries), containerSlot);
                return true;
            }

            if (declared.CentralDirectoryBytes > (long)_limits.MaxEntries * ZipLimits.MaxCentralDirectoryBytesPerEntry)
            {
                Refuse(ZipReasons.CentralDirectoryTooLarge, containerSlot);
                return true;
            }

            ZipArchive archive;
            IReadOnlyList<ZipArchiveEntry> entries;
            try
            {
                archive = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
                entries = archive.Entries;
            }
            catch (Exception ex) when (IsArchiveDamage(ex))
            {
                return false;
            }

            await using (archive.ConfigureAwait(false))
            {
                foreach (ZipArchiveEntry entry in entries)
                {
                    await WalkEntryAsync(entry, namePrefix, depth, cancellationToken).ConfigureAwait(false);
                    if (_refusalReason is not null)
                    {
                        break;
                    }
                }
            }
        }

        return true;
    }

    private async Task WalkEntryAsync(ZipArchiveEntry entry, string namePrefix, int depth, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_budget.TryCountEntry())
        {
            Refuse(ZipReasons.TooManyEntries(_limits.MaxEntries), containerSlot: -1);
            return;
        }

        string storedName = entry.FullName;
        string name = namePrefix + storedName;
        if (Classify(entry) is { } skipped)
        {
            _reports.Add(new ZipEntryReport(name, skipped.Disposition, skipped.Reason));
            return;
        }

        bool nested = ZipEntryNames.IsZipArchive(storedName);
        if (nested && depth >= _limits.MaxNestingDepth)
        {
            _reports.Add(new ZipEntryReport(name, ZipEntryDisposition.SkippedNestedTooDeep, ZipReasons.NestedTooDeep(_limits.MaxNestingDepth)));
            return;
        }

        string tempPath = Path.Combine(_tempDirectory, $"zip-{Guid.NewGuid():N}.tmp");
        try
        {
            InflateStatus status = await UnpackAsync(entry, nested, tempPath, cancellationToken).ConfigureAwait(false);
            switch (status)
            {
                case InflateStatus.End when nested:
                    int slot = _reports.Count;
                    _reports.Add(new ZipEntryReport(name, ZipEntryDisposition.Extracted, ZipReasons.NestedArchiveUnpacked));
                    if (!await WalkArchiveAsync(tempPath, name + "/", depth + 1, slot, cancellationToken).ConfigureAwait(false))
                    {
                        _reports[slot] = new ZipEntryReport(name, ZipEntryDisposition.Refused, ZipReasons.NestedArchiveDamaged);
                    }

                    break;
                case InflateStatus.End:
                    await _onFile(name, tempPath, cancellationToken).ConfigureAwait(false);
                    _reports.Add(new ZipEntryReport(name, ZipEntryDisposition.Extracted, null));
                    break;
                case InflateStatus.NotDicom:
                    _reports.Add(new ZipEntryReport(name, ZipEntryDisposition.SkippedNotDicom, ZipReasons.NotDicom));
                    break;
                case InflateStatus.EntryTooLarge:
                    _reports.Add(new ZipEntryReport(name, ZipEntryDisposition.Refused, ZipReasons.EntryTooLarge(_limits.MaxEntryBytes)));
                    break;
                case InflateStatus.EntryDamaged:
                    _reports.Add(new ZipEntryReport(name, ZipEntryDisposition.Refused, nested ? ZipReasons.NestedArchiveDamaged : ZipReasons.EntryDamaged));
                    break;
                default:
                    string reason = ArchiveRefusalReason(status);
                    _reports.Add(new ZipEntryReport(name, ZipEntryDisposition.Refused, reason));
                    Refuse(reason, containerSlot: -1);
                    break;
            }
        }
        finally
        {
            File.Delete(tempPath); // nothing to do when the entry was never unpacked
        }
    }

    /// <summary>The entries skipped on their metadata alone, without reading a byte of their data.</summary>
    private static (ZipEntryDisposition Disposition, string Reason)? Classify(ZipArchiveEntry entry)
    {
        string storedName = entry.FullName;
        return ZipEntryNames.CheckPath(storedName) switch
        {
            ZipEntryDisposition.SkippedAbsolutePath => (ZipEntryDisposition.SkippedAbsolutePath, ZipReasons.AbsolutePath),
            ZipEntryDisposition.SkippedTraversal => (ZipEntryDisposition.SkippedTraversal, ZipReasons.Traversal),
            _ when ZipEntryNames.IsDirectory(storedName) => (ZipEntryDisposition.SkippedDirectory, ZipReasons.Directory),
            _ when ZipEntryNames.IsDicomDir(storedName) => (ZipEntryDisposition.SkippedDicomDir, ZipReasons.DicomDir),
            _ when entry.IsEncrypted => (ZipEntryDisposition.SkippedEncrypted, ZipReasons.Encrypted),
            _ => null,
        };
    }

    /// <summary>
    /// Sniffs the entry (unless it is a nested archive) and, when it is to be kept, inflates it into
    /// <paramref name="tempPath"/>, every chunk checked by an <see cref="EntryMeter"/> before it is written.
    /// Returns <see cref="InflateStatus.End"/> when the file is complete and intact.
    /// </summary>
    private async Task<InflateStatus> UnpackAsync(ZipArchiveEntry entry, bool nested, string tempPath, CancellationToken cancellationToken)
    {
        Stream source;
        try
        {
            source = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsArchiveDamage(ex))
        {
            return InflateStatus.EntryDamaged;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using (source.ConfigureAwait(false))
            {
                var meter = new EntryMeter(_budget, entry, nested ? long.MaxValue : _limits.MaxEntryBytes);
                InflateStatus status = InflateStatus.Continue;
                int headLength = 0;
                if (!nested && !_allFiles)
                {
                    while (status == InflateStatus.Continue && headLength < DicomSniffer.HeadLength)
                    {
                        status = await ReadChunkAsync(source, meter, buffer.AsMemory(headLength, DicomSniffer.HeadLength - headLength), cancellationToken).ConfigureAwait(false);
                        headLength = (int)meter.InflatedBytes;
                    }

                    if (status is not (InflateStatus.Continue or InflateStatus.End))
                    {
                        return status;
                    }

                    if (!DicomSniffer.LooksLikeDicom(buffer.AsSpan(0, headLength)))
                    {
                        return InflateStatus.NotDicom;
                    }
                }

                InflateStatus declared = meter.CheckDeclared();
                if (declared != InflateStatus.Continue)
                {
                    return declared;
                }

                meter.CountInRatio();
                var file = new FileStream(tempPath, TempFileOptions());
                await using (file.ConfigureAwait(false))
                {
                    await file.WriteAsync(buffer.AsMemory(0, headLength), cancellationToken).ConfigureAwait(false);
                    while (status == InflateStatus.Continue)
                    {
                        long before = meter.InflatedBytes;
                        status = await ReadChunkAsync(source, meter, buffer, cancellationToken).ConfigureAwait(false);
                        int read = (int)(meter.InflatedBytes - before);
                        if (read > 0)
                        {
                            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                return status;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads one chunk into <paramref name="destination"/> and accounts it: <see cref="InflateStatus.Continue"/>
    /// when it was within every limit (the caller may write it), <see cref="InflateStatus.End"/> or
    /// <see cref="InflateStatus.EntryDamaged"/> at the end of the data, or the limit it would pass (nothing counted).
    /// </summary>
    private static async ValueTask<InflateStatus> ReadChunkAsync(Stream source, EntryMeter meter, Memory<byte> destination, CancellationToken cancellationToken)
    {
        int read;
        try
        {
            read = await source.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsArchiveDamage(ex))
        {
            return InflateStatus.EntryDamaged;
        }

        return read == 0 ? meter.Finish() : meter.Account(destination.Span[..read]);
    }

    private static FileStreamOptions TempFileOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // patient data: owner only
        }

        return options;
    }

    private string ArchiveRefusalReason(InflateStatus status) => status switch
    {
        InflateStatus.ArchiveTooLarge => ZipReasons.TooLarge(_limits.MaxTotalUncompressedBytes),
        InflateStatus.ArchiveTooCompressed => ZipReasons.TooCompressed(_limits.MaxCompressionRatio),
        InflateStatus.SizeMismatch => ZipReasons.SizeMismatch,
        _ => throw new InvalidOperationException($"{status} does not refuse the archive."),
    };

    /// <summary>Refuses the rest of the walk; the nested archive at <paramref name="containerSlot"/>, if any, is reported refused too.</summary>
    private void Refuse(string reason, int containerSlot)
    {
        _refusalReason ??= reason;
        if (containerSlot >= 0)
        {
            _reports[containerSlot] = _reports[containerSlot] with { Disposition = ZipEntryDisposition.Refused, Reason = reason };
        }
    }
}
