namespace Portico.Ingest.Zip;

/// <summary>
/// What one walk has consumed so far, across the uploaded archive and its nested archives: entries seen,
/// bytes inflated (sniffed or unpacked), and the inflated and compressed bytes of fully unpacked entries,
/// whose quotient is the archive-wide compression ratio.
/// </summary>
internal sealed class ZipBudget(ZipLimits limits)
{
    public ZipLimits Limits { get; } = limits;

    public int Entries { get; private set; }

    public long InflatedBytes { get; private set; }

    public long RatioInflatedBytes { get; private set; }

    public long RatioCompressedBytes { get; private set; }

    public long RemainingEntries => Limits.MaxEntries - (long)Entries;

    /// <summary>Counts one more entry; false once <see cref="ZipLimits.MaxEntries"/> are spent.</summary>
    public bool TryCountEntry()
    {
        if (Entries >= Limits.MaxEntries)
        {
            return false;
        }

        Entries++;
        return true;
    }

    /// <summary>
    /// True when <paramref name="inflated"/> bytes from <paramref name="compressed"/> pass the ratio limit.
    /// In doubles, so that sums of forged 64-bit sizes cannot overflow into a pass.
    /// </summary>
    public bool ExceedsRatio(double inflated, double compressed) =>
        inflated > ZipLimits.CompressionRatioFloorBytes && inflated > Limits.MaxCompressionRatio * Math.Max(compressed, 1);

    public void AddInflated(long bytes, bool countsInRatio)
    {
        InflatedBytes += bytes;
        if (countsInRatio)
        {
            RatioInflatedBytes += bytes;
        }
    }

    /// <summary>Starts counting an entry in the archive-wide ratio, with the bytes already read from it.</summary>
    public void AddToRatio(long inflated, long compressed)
    {
        RatioInflatedBytes += inflated;
        RatioCompressedBytes += compressed;
    }
}
