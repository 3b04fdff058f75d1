using System.IO.Compression;
using System.Text;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Values;

namespace Portico.Dicom.IO;

/// <summary>Options for writing a Part 10 file.</summary>
public sealed record DicomFileWriteOptions
{
    public static readonly DicomFileWriteOptions Default = new();

    /// <summary>Transfer syntax to write; null keeps the file's own. Uncompressed syntaxes transcode into each other.</summary>
    public TransferSyntax? TransferSyntax { get; init; }

    /// <summary>Keep the meta information as read (implementation UID and name included) instead of naming Portico.</summary>
    public bool PreserveMetaInformation { get; init; }

    /// <summary>Deflate level for Deflated Explicit VR Little Endian.</summary>
    public CompressionLevel DeflateLevel { get; init; } = CompressionLevel.Optimal;
}

/// <summary>Writes Part 10 files (PS3.10 §7.1): preamble, "DICM", meta information with its group length computed, then the data set.</summary>
public static class DicomFileWriter
{
    /// <summary>Portico's Implementation Class UID (a UUID-derived UID, PS3.5 §B.2).</summary>
    public const string ImplementationClassUid = "2.25.23740962619609681093600875352448364614";

    /// <summary>Portico's Implementation Version Name (at most 16 characters).</summary>
    public const string ImplementationVersionName = "PORTICO_0_1";

    private static readonly DicomTag FileMetaInformationGroupLength = new(0x0002, 0x0000);
    private static readonly DicomTag FileMetaInformationVersion = new(0x0002, 0x0001);
    private static readonly DicomTag MediaStorageSOPClassUID = new(0x0002, 0x0002);
    private static readonly DicomTag MediaStorageSOPInstanceUID = new(0x0002, 0x0003);
    private static readonly DicomTag ImplementationClassUID = new(0x0002, 0x0012);
    private static readonly DicomTag ImplementationVersionNameTag = new(0x0002, 0x0013);
    private static readonly DicomTag SOPClassUID = new(0x0008, 0x0016);
    private static readonly DicomTag SOPInstanceUID = new(0x0008, 0x0018);

    public static async Task WriteAsync(DicomFile file, string path, DicomFileWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await WriteAsync(file, stream, options, cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteAsync(DicomFile file, Stream output, DicomFileWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        options ??= DicomFileWriteOptions.Default;
        TransferSyntax syntax = options.TransferSyntax ?? file.TransferSyntax;
        EnsureTranscodable(file, syntax);

        var buffered = new PooledWriteBuffer(output);
        await using (buffered.ConfigureAwait(false))
        {
            WriteSync(file, buffered, syntax, options);
            await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Builds the meta information for writing <paramref name="file"/> in <paramref name="syntax"/>.</summary>
    public static DicomDataset BuildMeta(DicomFile file, TransferSyntax syntax, bool preserve)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(syntax);
        var meta = new DicomDataset();
        foreach (DicomItem item in file.Meta)
        {
            meta.Add(item);
        }

        if (!meta.Contains(FileMetaInformationVersion))
        {
            meta.Add(new DicomElement(FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 }));
        }

        if (!meta.Contains(MediaStorageSOPClassUID) && file.Dataset.GetString(SOPClassUID) is { } sopClass)
        {
            meta.Add(Uid(MediaStorageSOPClassUID, sopClass));
        }

        if (!meta.Contains(MediaStorageSOPInstanceUID) && file.Dataset.GetString(SOPInstanceUID) is { } sopInstance)
        {
            meta.Add(Uid(MediaStorageSOPInstanceUID, sopInstance));
        }

        if (meta.GetString(DicomTag.TransferSyntaxUIDTag) != syntax.Uid)
        {
            meta.Add(Uid(DicomTag.TransferSyntaxUIDTag, syntax.Uid));
        }

        if (!preserve || !meta.Contains(ImplementationClassUID))
        {
            meta.Add(Uid(ImplementationClassUID, ImplementationClassUid));
            meta.AddOrUpdate(ImplementationVersionNameTag, DicomVR.SH, ImplementationVersionName);
        }

        meta.Remove(FileMetaInformationGroupLength);
        uint groupLength = checked((uint)DicomWriter.MeasureDataset(meta, explicitVR: true));
        meta.AddOrUpdate(FileMetaInformationGroupLength, DicomVR.UL, groupLength);
        return meta;
    }

    private static void WriteSync(DicomFile file, Stream output, TransferSyntax syntax, DicomFileWriteOptions options)
    {
        byte[] preamble = file.Preamble is { Length: 128 } p && options.PreserveMetaInformation ? p : new byte[128];
        output.Write(preamble);
        output.Write("DICM"u8);
        DicomDataset meta = BuildMeta(file, syntax, options.PreserveMetaInformation);
        using (var metaWriter = new DicomWriter(output))
        {
            metaWriter.WriteDataset(meta, TransferSyntax.ExplicitVRLittleEndian);
        }

        if (syntax.IsDeflated)
        {
            using var deflate = new DeflateStream(output, options.DeflateLevel, leaveOpen: true);
            using (var writer = new DicomWriter(deflate, file.SourcePath, file.SourceStream))
            {
                writer.WriteDatasetWithoutMeta(file.Dataset, syntax);
            }
        }
        else
        {
            using var writer = new DicomWriter(output, file.SourcePath, file.SourceStream);
            writer.WriteDatasetWithoutMeta(file.Dataset, syntax);
        }
    }

    private static void EnsureTranscodable(DicomFile file, TransferSyntax target)
    {
        if (target.Uid == file.TransferSyntax.Uid)
        {
            return;
        }

        bool hasFragments = file.Dataset.Find(DicomTag.PixelDataTag) is DicomFragments;
        if (hasFragments || target.IsEncapsulated || file.TransferSyntax.IsEncapsulated && file.Dataset.Contains(DicomTag.PixelDataTag))
        {
            throw new NotSupportedException($"Cannot transcode pixel data from {file.TransferSyntax.Name} to {target.Name}: Portico carries compressed pixel data as is.");
        }
    }

    private static DicomElement Uid(DicomTag tag, string uid)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(uid.Length % 2 == 1 ? uid + "\0" : uid);
        return new DicomElement(tag, DicomVR.UI, bytes);
    }
}
