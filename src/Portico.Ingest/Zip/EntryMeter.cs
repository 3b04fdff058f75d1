using System.IO.Compression;

namespace Portico.Ingest.Zip;

/// <summary>
/// Counts the bytes inflated from one entry as they come, checks each chunk against the limits before it
/// is written anywhere, and at the end compares the size and CRC-32 with what the archive declared.
/// </summary>
internal sealed class EntryMeter
{
    private readonly ZipBudget _budget;
    private readonly long _declaredBytes;
    private readonly long _compressedBytes;
    private readonly uint _declaredCrc;
    private readonly long _maxBytes;
    private bool _countsInRatio;
    private uint _crc;

    /// <param name="budget">The walk's running totals.</param>
    /// <param name="entry">The entry, for its declared sizes and CRC.</param>
    /// <param name="maxBytes">The most this entry may inflate to: <see cref="ZipLimits.MaxEntryBytes"/> for a DICOM file.</param>
    public EntryMeter(ZipBudget budget, ZipArchiveEntry entry, long maxBytes)
    {
        _budget = budget;
        _declaredBytes = entry.Length;
        _compressedBytes = entry.CompressedLength;
        _declaredCrc = entry.Crc32;
        _maxBytes = maxBytes;
    }

    public long InflatedBytes { get; private set; }

    /// <summary>
    /// Before the whole entry is unpacked: would its declared size pass a limit? An honest bomb is refused
    /// here without a byte written; a forged one is caught by <see cref="Account"/>.
    /// </summary>
    public InflateStatus CheckDeclared()
    {
        if (_budget.ExceedsRatio(_declaredBytes, _compressedBytes)
            || _budget.ExceedsRatio((double)_budget.RatioInflatedBytes + _declaredBytes, (double)_budget.RatioCompressedBytes + _compressedBytes))
        {
            return InflateStatus.ArchiveTooCompressed;
        }

        if (_declaredBytes > _maxBytes)
        {
            return InflateStatus.EntryTooLarge;
        }

        // What is left to inflate, against what is left of the budget (differences: no overflow on forged sizes).
        return _declaredBytes - InflatedBytes > _budget.Limits.MaxTotalUncompressedBytes - _budget.InflatedBytes
            ? InflateStatus.ArchiveTooLarge
            : InflateStatus.Continue;
    }

    /// <summary>From now on the entry counts in the archive-wide compression ratio (it is being unpacked whole).</summary>
    public void CountInRatio()
    {
        if (!_countsInRatio)
        {
            _countsInRatio = true;
            _budget.AddToRatio(InflatedBytes, _compressedBytes);
        }
    }

    /// <summary>Checks a chunk just inflated, before it is written; counts it when it is within every limit.</summary>
    public InflateStatus Account(ReadOnlySpan<byte> chunk)
    {
        long entryBytes = InflatedBytes + chunk.Length;
        if (entryBytes > _declaredBytes)
        {
            return InflateStatus.SizeMismatch;
        }

        if (entryBytes > _maxBytes)
        {
            return InflateStatus.EntryTooLarge;
        }

        if (_budget.InflatedBytes + chunk.Length > _budget.Limits.MaxTotalUncompressedBytes)
        {
            return InflateStatus.ArchiveTooLarge;
        }

        if (_countsInRatio
            && (_budget.ExceedsRatio(entryBytes, _compressedBytes)
                || _budget.ExceedsRatio(_budget.RatioInflatedBytes + chunk.Length, _budget.RatioCompressedBytes)))
        {
            return InflateStatus.ArchiveTooCompressed;
        }

        InflatedBytes = entryBytes;
        _budget.AddInflated(chunk.Length, _countsInRatio);
        _crc = ZipCrc32.Append(_crc, chunk);
        return InflateStatus.Continue;
    }

    /// <summary>At the end of the entry's data: did it have the declared size and CRC-32?</summary>
    public InflateStatus Finish() =>
        InflatedBytes == _declaredBytes && _crc == _declaredCrc ? InflateStatus.End : InflateStatus.EntryDamaged;
}
