namespace Portico.Ingest.Zip;

/// <summary>The outcome of sniffing, checking or reading part of one entry against <see cref="ZipLimits"/>.</summary>
internal enum InflateStatus
{
    /// <summary>Within every limit: keep reading.</summary>
    Continue,

    /// <summary>The entry's data ended with the declared size and checksum.</summary>
    End,

    /// <summary>The entry's first bytes do not look like DICOM: it is not unpacked.</summary>
    NotDicom,

    /// <summary>The entry passes <see cref="ZipLimits.MaxEntryBytes"/>: refuse it alone.</summary>
    EntryTooLarge,

    /// <summary>The entry's data cannot be read, ends early or fails its checksum: refuse it alone.</summary>
    EntryDamaged,

    /// <summary>The walk passes <see cref="ZipLimits.MaxTotalUncompressedBytes"/>: refuse the rest.</summary>
    ArchiveTooLarge,

    /// <summary>The entry or the walk passes <see cref="ZipLimits.MaxCompressionRatio"/>: refuse the rest.</summary>
    ArchiveTooCompressed,

    /// <summary>The entry inflates beyond its declared size, as forged bombs do: refuse the rest.</summary>
    SizeMismatch,
}
