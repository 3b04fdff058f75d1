using Portico.Dicom;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Network.Services;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Portico.Storage;

namespace Portico.Ingest.Dicom;

/// <summary>
/// One C-STORE data set on its way into the pipeline: written as a Part 10 file (preamble, file meta built from the
/// command, then the data set exactly as received) to the blob store's temp directory while its PDVs arrive, hashed on
/// the way, and ingested once the last one is in and the data set is found whole and to be the instance the command
/// announced. Disposed without <see cref="CompleteAsync"/>, the file is deleted.
/// </summary>
public sealed class CStoreTarget : IStoreTarget
{
    /// <summary>PS3.4 §B.2.3 Refused: Out of Resources.</summary>
    public const ushort OutOfResources = 0xA700;

    /// <summary>PS3.7 §C.5.x Duplicate SOP Instance (a failure): a different instance with this UID is kept.</summary>
    public const ushort DuplicateSopInstance = 0x0111;

    /// <summary>PS3.4 §B.2.3 Error: Data Set does not match SOP Class.</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;

    /// <summary>PS3.4 §B.2.3 Error: Cannot understand.</summary>
    public const ushort CannotUnderstand = 0xC000;

    /// <summary>
    /// The whole data set is walked before ingest, values over 1 KiB skipped by seeking rather than read: the pipeline
    /// reads only up to Pixel Data, which would let a data set cut short inside it be stored.
    /// </summary>
    private static readonly DicomFileReadOptions WholeStructure = new() { DeferValuesLongerThan = 1024 };

    /// <summary>
    /// A file no longer than the header read's value limit is walked with every value loaded (at most that many bytes
    /// in memory), so the pipeline can take its header from this parse instead of reading the file again.
    /// </summary>
    private static readonly DicomFileReadOptions WholeFile = new() { DeferValuesLongerThan = DicomFileReadOptions.HeaderOnly.DeferValuesLongerThan };

    private readonly IngestPipeline _pipeline;
    private readonly StoreRequest _request;
    private readonly IngestSource _source;
    private readonly long _maxBytes;
    private readonly ConflictPolicy _onConflict;
    private readonly bool _waitForIndex;
    private readonly string _path;
    private SpoolWriter? _file;
    private long _length;
    private bool _probed;
    private bool _handedOver;

    private CStoreTarget(IngestPipeline pipeline, SpoolWriter file, StoreRequest request, IngestSource source, long maxBytes, ConflictPolicy onConflict, bool waitForIndex)
    {
        _file = file;
        _path = file.Path;
        _waitForIndex = waitForIndex;
        _onConflict = onConflict;
        _pipeline = pipeline;
        _request = request;
        _source = source;
        _maxBytes = maxBytes;
    }

    /// <summary>
    /// Creates the temp file and writes the preamble and file meta information. With <paramref name="waitForIndex"/>
    /// false the answer is given once the file is durable, before its index row commits
    /// (<see cref="IngestOptions.AnswerAfterIndexCommit"/>).
    /// </summary>
    public static CStoreTarget Create(IngestPipeline pipeline, StoreRequest request, IngestSource source, long maxBytes, ConflictPolicy onConflict, bool waitForIndex = true)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        // Durability comes from the blob store's grouped flush; the spool writes a large data set with direct I/O.
        var target = new CStoreTarget(pipeline, pipeline.CreateSpool("cstore-"), request, source, maxBytes, onConflict, waitForIndex);
        try
        {
            target.WriteFileMeta();
        }
        catch
        {
            target.DeleteFile();
            throw;
        }

        return target;
    }

    private void WriteFileMeta()
    {
        // No Source AE Title in the meta: the same data set from two devices (or resent by a C-MOVE) is then the same
        // file, a Duplicate rather than a Conflict. The source is in the index.
        byte[] header = Part10Header.Build(_request.SopClassUid, _request.SopInstanceUid, _request.TransferSyntaxUid, sourceAETitle: null);
        _file!.Write(header);
        _length = header.Length;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_file is null, this);
        if (_length + data.Length > _maxBytes)
        {
            throw new DimseServiceException(OutOfResources, $"The instance is larger than the limit of {_maxBytes / (1L << 20)} MB.");
        }

        if (!_probed)
        {
            _probed = true;
            AnnounceSize(_file, data);
        }

        _length += data.Length;
        return _file.WriteAsync(data, cancellationToken);
    }

    /// <summary>
    /// A C-STORE announces no size, but the first PDV's header says where native pixel data ends: the spool learns the
    /// least the file will be before any of it is written (<see cref="SpoolWriter.ExpectAtLeast"/>).
    /// </summary>
    private void AnnounceSize(SpoolWriter file, ReadOnlyMemory<byte> first)
    {
        if (TransferSyntax.Find(Trim(_request.TransferSyntaxUid)) is { } syntax && PixelDataProbe.TryFindEnd(first, syntax, out long end))
        {
            file.ExpectAtLeast(_length + end);
        }
    }

    public async ValueTask<DimseResult> CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_file is null, this);
        SpoolWriter file = _file;
        _file = null;
        BlobKey key = await file.CompleteAsync(cancellationToken).ConfigureAwait(false);
        (DimseResult? refused, DicomFile? parsed) = await CheckDataSetAsync(cancellationToken).ConfigureAwait(false);
        if (refused is { } refusal)
        {
            DeleteFile();
            return refusal;
        }

        _handedOver = true; // The pipeline moves or deletes the file from here on.
        IngestOutcome outcome = await _pipeline.IngestFileAsync(_path, key, parsed, _source, _waitForIndex, cancellationToken).ConfigureAwait(false);
        return ToDimse(outcome, _request.SopInstanceUid, _onConflict);
    }

    /// <summary>
    /// What only the C-STORE side can check, before anything is stored: the data set is whole (a peer that sends its
    /// last fragment early, or a bad length, gives 0xC000), and it is the instance the command announced (PS3.4 §B.2.3,
    /// 0xA900); the file meta was built from the command, and the pipeline never sees the command. Gives the parsed file
    /// when the data set passes and the whole file was loaded (small files), else null.
    /// </summary>
    private async Task<(DimseResult? Refused, DicomFile? Parsed)> CheckDataSetAsync(CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            // In the page cache: synchronous reads, as the pipeline does.
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.None);
            file = await DicomFile.ReadAsync(new SynchronousReadStream(stream), Whole ? WholeFile : WholeStructure, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomFormatException ex)
        {
            return (new DimseResult(CannotUnderstand, $"Invalid data set: {ex.Message}"), null);
        }

        if (!string.Equals(file.Dataset.GetString(DicomTags.SOPInstanceUID), Trim(_request.SopInstanceUid), StringComparison.Ordinal))
        {
            return (new DimseResult(DataSetDoesNotMatchSopClass, "SOP Instance UID (0008,0018) differs from the command's"), null);
        }

        if (!string.Equals(file.Dataset.GetString(DicomTags.SOPClassUID), Trim(_request.SopClassUid), StringComparison.Ordinal))
        {
            return (new DimseResult(DataSetDoesNotMatchSopClass, "SOP Class UID (0008,0016) differs from the command's"), null);
        }

        return (null, Whole ? file : null);
    }

    /// <summary>The file fits under <see cref="WholeFile"/>'s value limit: its parse loads everything.</summary>
    private bool Whole => _length <= WholeFile.DeferValuesLongerThan;

    private static string Trim(string uid) => uid.TrimEnd('\0', ' ');

    /// <summary>The C-STORE-RSP status for an ingest outcome (docs/dicom-conformance.md lists them).</summary>
    public static DimseResult ToDimse(IngestOutcome outcome, string commandSopInstanceUid, ConflictPolicy onConflict)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Status switch
        {
            IngestStatus.Stored => DimseResult.Success,
            // Same UID, same bytes: already here, nothing to do (DESIGN.md: reported as Duplicate and ignored).
            IngestStatus.Duplicate => DimseResult.Success,
            // Same UID, different bytes, the stored one kept: the device must know its instance was not taken.
            IngestStatus.Conflict when onConflict == ConflictPolicy.Overwrite => DimseResult.Success, // the new one replaced the stored one
            IngestStatus.Conflict => new DimseResult(DuplicateSopInstance, outcome.Reason),
            IngestStatus.Rejected when outcome.SopInstanceUid is { } uid && !string.Equals(uid, commandSopInstanceUid, StringComparison.Ordinal) =>
                new DimseResult(DataSetDoesNotMatchSopClass, outcome.Reason),
            _ => new DimseResult(CannotUnderstand, outcome.Reason),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
            _file = null;
        }

        if (!_handedOver)
        {
            DeleteFile();
        }
    }

    private void DeleteFile()
    {
        _file?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file = null;
        File.Delete(_path);
    }
}
