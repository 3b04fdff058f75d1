using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Services;

namespace Portico.Dicom.Network.Scu;

/// <summary>
/// An established association on the requestor side (PS3.8 Sta6). One DIMSE operation at a time. Every P-DATA-TF
/// sent is cut to the SCP's Maximum Length. An operation that fails half way (I/O error, timeout, cancellation,
/// protocol error, an enumeration left early) leaves the association unusable: disposing it then sends an A-ABORT.
/// Disposing a healthy association releases it (A-RELEASE-RQ, waiting for the RP under ARTIM).
/// </summary>
public sealed class DicomClientAssociation : IAsyncDisposable
{
    /// <summary>Each PDV item adds 6 bytes to its data: item length (4), context id, message control header.</summary>
    private const int PdvOverhead = 6;

    /// <summary>Largest P-DATA-TF we send when the SCP announces no limit (or more than this).</summary>
    private const uint MaxSendPduLength = 1024 * 1024;

    private readonly DicomClientOptions _options;
    private readonly Stream _stream;
    private readonly PduReader _reader;
    private readonly PduWriter _writer;
    private readonly Dictionary<byte, AcceptedPresentationContext> _accepted = [];
    private readonly Queue<PresentationDataValue> _pendingValues = new();
    private readonly int _maxPdvData;
    private ushort _lastMessageId;
    private int _busy;
    private State _state = State.Established;

    internal DicomClientAssociation(
        DicomClientOptions options,
        Stream stream,
        PduReader reader,
        PduWriter writer,
        IReadOnlyList<PresentationContextRequest> proposed,
        AssociateAcceptPdu accept)
    {
        _options = options;
        _stream = stream;
        _reader = reader;
        _writer = writer;
        var results = new List<PresentationContextAccept>();
        foreach (PresentationContextAccept result in accept.PresentationContexts)
        {
            PresentationContextRequest? request = proposed.FirstOrDefault(p => p.Id == result.Id);
            if (request is null)
            {
                continue; // An answer to a context we never proposed: ignored (PS3.8 §9.3.3.2 ties results to requests).
            }
            results.Add(result);
            if (result.IsAccepted)
            {
                _accepted[result.Id] = new AcceptedPresentationContext(result.Id, request.AbstractSyntax, result.TransferSyntax);
            }
        }
        ContextResults = results;
        AcceptedContexts = [.. _accepted.Values.OrderBy(c => c.Id)];
        uint peerMax = accept.UserInformation.MaxPduLength ?? 0;
        PeerMaxPduLength = peerMax;
        uint sendMax = peerMax is 0 or > MaxSendPduLength ? MaxSendPduLength : peerMax;
        _maxPdvData = Math.Max(1, (int)sendMax - PdvOverhead);
        CalledAETitle = options.CalledAETitle.Trim(' ');
        PeerImplementationClassUid = accept.UserInformation.ImplementationClassUid;
        PeerImplementationVersionName = accept.UserInformation.ImplementationVersionName;
    }

    private enum State
    {
        Established,
        Broken,
        Closed,
    }

    /// <summary>The contexts the SCP accepted, by id.</summary>
    public IReadOnlyList<AcceptedPresentationContext> AcceptedContexts { get; }

    /// <summary>The SCP's answer for each proposed context, accepted or not (with the reason).</summary>
    public IReadOnlyList<PresentationContextAccept> ContextResults { get; }

    /// <summary>The SCP's Maximum Length (0 = no limit): every P-DATA-TF we send fits it.</summary>
    public uint PeerMaxPduLength { get; }

    public string CalledAETitle { get; }

    public string? PeerImplementationClassUid { get; }

    public string? PeerImplementationVersionName { get; }

    /// <summary>False once the association was released, aborted or broken by a failed operation.</summary>
    public bool IsUsable => _state == State.Established;

    /// <summary>The accepted context for <paramref name="sopClassUid"/> in exactly <paramref name="transferSyntaxUid"/>, or null.</summary>
    public AcceptedPresentationContext? FindContext(string sopClassUid, string transferSyntaxUid) =>
        AcceptedContexts.FirstOrDefault(c => c.AbstractSyntax == sopClassUid && c.TransferSyntax == transferSyntaxUid);

    /// <summary>The first accepted context for <paramref name="sopClassUid"/> in any syntax, or null.</summary>
    public AcceptedPresentationContext? FindContext(string sopClassUid) =>
        AcceptedContexts.FirstOrDefault(c => c.AbstractSyntax == sopClassUid);

    /// <summary>C-ECHO (PS3.7 §9.3.5). Status 0x0122 without sending anything when the SCP refused the Verification context.</summary>
    public async Task<DimseResult> EchoAsync(CancellationToken cancellationToken)
    {
        AcceptedPresentationContext? context = FindContext(EchoMessages.VerificationSopClassUid);
        if (context is null)
        {
            return new DimseResult(DimseStatus.SopClassNotSupported, "The SCP did not accept the Verification SOP class.");
        }
        using Operation operation = Begin(cancellationToken);
        try
        {
            ushort messageId = NextMessageId();
            await SendCommandAsync(context.Id, EchoMessages.CreateRequest(messageId), operation).ConfigureAwait(false);
            Message response = await ReceiveResponseAsync(messageId, DimseCommandField.CEchoRsp, 0, operation).ConfigureAwait(false);
            operation.Complete();
            return ToResult(response.Command);
        }
        catch (OperationCanceledException) when (operation.TimedOut)
        {
            throw operation.TimeoutError("C-ECHO");
        }
    }

    /// <summary>Sends the Part 10 file at <paramref name="path"/>, streamed; see <see cref="StoreAsync(Stream, CancellationToken)"/>.</summary>
    public async Task<DimseResult> StoreAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            return await StoreAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// C-STORE (PS3.7 §9.3.1) of the Part 10 stream <paramref name="part10"/>, read from its current position: the File
    /// Meta Information gives the SOP class, instance and transfer syntax; the data set is streamed in PDVs without being
    /// loaded. When the SCP accepted the SOP class only in another uncompressed syntax, the data set is converted
    /// through a temporary file first. Returns the SCP's status and Error Comment, or status 0x0122 (nothing sent) when
    /// no accepted context can carry the file.
    /// </summary>
    /// <exception cref="DicomFormatException">The stream is not a Part 10 file (nothing was sent; the association stays usable).</exception>
    /// <remarks>A failure before the command is sent (unreadable file, failed conversion) leaves the association usable.</remarks>
    public async Task<DimseResult> StoreAsync(Stream part10, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part10);
        using Operation operation = Begin(cancellationToken);
        try
        {
            long start = part10.CanSeek ? part10.Position : -1;
            Part10Header header = await Part10Header.ReadAsync(part10, cancellationToken).ConfigureAwait(false);
            AcceptedPresentationContext? context = FindContext(header.SopClassUid, header.TransferSyntaxUid);
            Stream dataSet = part10;
            FileStream? converted = null;
            if (context is null && DicomClient.CanConvert(header.TransferSyntaxUid))
            {
                context = AcceptedContexts.FirstOrDefault(c => c.AbstractSyntax == header.SopClassUid && CanWrite(c.TransferSyntax));
                if (context is not null)
                {
                    converted = await ConvertAsync(part10, start, header.TransferSyntaxUid, context.TransferSyntax, cancellationToken).ConfigureAwait(false);
                    dataSet = converted;
                }
            }
            if (context is null)
            {
                operation.Complete();
                return new DimseResult(DimseStatus.SopClassNotSupported, $"No accepted presentation context for {header.SopClassUid} in {header.TransferSyntaxUid}.");
            }

            try
            {
                ushort messageId = NextMessageId();
                await SendCommandAsync(context.Id, StoreMessages.CreateRequest(messageId, header.SopClassUid, header.SopInstanceUid), operation).ConfigureAwait(false);
                await SendDataSetAsync(context.Id, dataSet, operation).ConfigureAwait(false);
                Message response = await ReceiveResponseAsync(messageId, DimseCommandField.CStoreRsp, 0, operation).ConfigureAwait(false);
                operation.Complete();
                return ToResult(response.Command);
            }
            finally
            {
                if (converted is not null)
                {
                    await converted.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (operation.TimedOut)
        {
            throw operation.TimeoutError("C-STORE");
        }
    }

    /// <summary>
    /// C-FIND (PS3.7 §9.3.2) in the information model <paramref name="sopClassUid"/> (e.g. Study Root FIND): yields each
    /// match. A failure status at the end throws <see cref="DicomOperationFailedException"/>; a Cancel status just ends.
    /// Leaving the enumeration early breaks the association (it is aborted on dispose).
    /// </summary>
    public async IAsyncEnumerable<DicomDataset> FindAsync(string sopClassUid, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sopClassUid);
        ArgumentNullException.ThrowIfNull(identifier);
        AcceptedPresentationContext context = FindContext(sopClassUid)
            ?? throw new DicomOperationFailedException(DimseStatus.SopClassNotSupported, $"The SCP did not accept {sopClassUid}.");
        using Operation operation = Begin(cancellationToken);
        ushort messageId = NextMessageId();
        await Guard(operation, "C-FIND", SendRequestAsync(context, FindMessages.CreateRequest(messageId, sopClassUid), identifier, operation)).ConfigureAwait(false);
        while (true)
        {
            Message response = await Guard(operation, "C-FIND", ReceiveResponseAsync(messageId, DimseCommandField.CFindRsp, _options.MaxIdentifierLength, operation)).ConfigureAwait(false);
            ushort status = response.Command.Status ?? DimseStatus.CannotUnderstand;
            if (DimseStatus.IsPending(status))
            {
                if (response.Data is not null)
                {
                    yield return await DatasetCodec.DecodeAsync(response.Data, context.TransferSyntax, cancellationToken).ConfigureAwait(false);
                }
                continue;
            }
            operation.Complete();
            if (DimseStatus.IsFailure(status))
            {
                throw new DicomOperationFailedException(status, response.Command.ErrorComment);
            }
            yield break;
        }
    }

    /// <summary>
    /// C-MOVE (PS3.7 §9.3.4): asks the SCP to send the matches of <paramref name="identifier"/> to
    /// <paramref name="destinationAETitle"/>; yields every response, the pending ones with their sub-operation counts,
    /// the final one last. Leaving the enumeration early breaks the association (it is aborted on dispose).
    /// </summary>
    public async IAsyncEnumerable<DicomMoveResponse> MoveAsync(string sopClassUid, string destinationAETitle, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sopClassUid);
        ArgumentNullException.ThrowIfNull(identifier);
        AcceptedPresentationContext? context = FindContext(sopClassUid);
        if (context is null)
        {
            yield return new DicomMoveResponse(DimseStatus.SopClassNotSupported, null, $"The SCP did not accept {sopClassUid}.");
            yield break;
        }
        using Operation operation = Begin(cancellationToken);
        ushort messageId = NextMessageId();
        CommandSet request = MoveMessages.CreateRequest(messageId, sopClassUid, destinationAETitle);
        await Guard(operation, "C-MOVE", SendRequestAsync(context, request, identifier, operation)).ConfigureAwait(false);
        while (true)
        {
            Message response = await Guard(operation, "C-MOVE", ReceiveResponseAsync(messageId, DimseCommandField.CMoveRsp, _options.MaxIdentifierLength, operation)).ConfigureAwait(false);
            ushort status = response.Command.Status ?? DimseStatus.CannotUnderstand;
            IReadOnlyList<string> failed = [];
            if (response.Data is not null)
            {
                DicomDataset data = await DatasetCodec.DecodeAsync(response.Data, context.TransferSyntax, cancellationToken).ConfigureAwait(false);
                failed = [.. data.GetStrings(DicomTags.FailedSOPInstanceUIDList).Select(u => u.Trim()).Where(u => u.Length > 0)];
            }
            var move = new DicomMoveResponse(status, response.Command.SubOperations, response.Command.ErrorComment) { FailedSopInstanceUids = failed };
            if (!move.IsPending)
            {
                operation.Complete();
                yield return move;
                yield break;
            }
            yield return move;
        }
    }

    /// <summary>Releases the association (A-RELEASE-RQ, then the RP under ARTIM) and closes the connection. A no-op once closed.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_state != State.Established)
        {
            return;
        }
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            throw new InvalidOperationException("An operation is under way on this association.");
        }
        try
        {
            using var artim = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            artim.CancelAfter(_options.ArtimTimeout);
            try
            {
                await _writer.WriteAsync(ReleaseRequestPdu.Instance, artim.Token).ConfigureAwait(false);
                while (true)
                {
                    Pdu? pdu = await _reader.ReadAsync(artim.Token).ConfigureAwait(false);
                    switch (pdu)
                    {
                        case ReleaseResponsePdu or AbortPdu or null:
                            await CloseAsync().ConfigureAwait(false);
                            return;
                        case ReleaseRequestPdu:
                            // Release collision (PS3.8 §7.2.2): as the requestor, answer and keep waiting for our RP.
                            await _writer.WriteAsync(new ReleaseResponsePdu(), artim.Token).ConfigureAwait(false);
                            break;
                        case PDataTfPdu:
                            break; // Late data from an operation we no longer wait for.
                        default:
                            throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, $"The SCP answered the release request with {pdu.Type}.");
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _state = State.Broken;
                throw new TimeoutException($"The SCP did not answer the release request within {_options.ArtimTimeout.TotalSeconds:0.#} s.");
            }
            catch
            {
                _state = State.Broken;
                throw;
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Sends an A-ABORT (service user) and closes the connection.</summary>
    public async Task AbortAsync()
    {
        if (_state == State.Closed)
        {
            return;
        }
        await DicomClient.TryAbortAsync(_writer).ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Releases a healthy association (aborting when the release fails) and aborts a broken one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state == State.Established && Volatile.Read(ref _busy) == 0)
        {
            try
            {
                await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or DicomNetworkProtocolException or ObjectDisposedException or InvalidOperationException)
            {
                _state = State.Broken;
            }
        }
        if (_state != State.Closed)
        {
            await AbortAsync().ConfigureAwait(false);
        }
    }

    private async Task CloseAsync()
    {
        _state = State.Closed;
        _reader.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private static bool CanWrite(string syntax) => TransferSyntax.Find(syntax) is { IsEncapsulated: false, IsDeflated: false };

    private static DimseResult ToResult(CommandSet response) =>
        new(response.Status ?? DimseStatus.CannotUnderstand, response.ErrorComment);

    private static async ValueTask<T> Guard<T>(Operation operation, string what, ValueTask<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (operation.TimedOut)
        {
            throw operation.TimeoutError(what);
        }
    }

    private static async ValueTask Guard(Operation operation, string what, ValueTask task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (operation.TimedOut)
        {
            throw operation.TimeoutError(what);
        }
    }

    private Operation Begin(CancellationToken cancellationToken)
    {
        if (_state != State.Established)
        {
            throw new InvalidOperationException(_state == State.Closed
                ? "The association is closed."
                : "The association is unusable after an operation failed half way; dispose it (it is aborted).");
        }
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            throw new InvalidOperationException("Another operation is under way on this association: one operation at a time.");
        }
        return new Operation(this, cancellationToken);
    }

    private ushort NextMessageId()
    {
        _lastMessageId = _lastMessageId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastMessageId + 1);
        return _lastMessageId;
    }

    private async ValueTask SendRequestAsync(AcceptedPresentationContext context, CommandSet request, DicomDataset identifier, Operation operation)
    {
        byte[] encoded = DatasetCodec.Encode(identifier, context.TransferSyntax);
        await SendCommandAsync(context.Id, request, operation).ConfigureAwait(false);
        await PdvFragmenter.WriteAsync((pdu, _) => WriteAsync(pdu, operation), context.Id, isCommand: false, encoded, _maxPdvData, operation.Token).ConfigureAwait(false);
    }

    private async ValueTask SendCommandAsync(byte contextId, CommandSet command, Operation operation)
    {
        byte[] bytes = command.Encode();
        operation.Sent = true;
        await PdvFragmenter.WriteAsync((pdu, _) => WriteAsync(pdu, operation), contextId, isCommand: true, bytes, _maxPdvData, operation.Token).ConfigureAwait(false);
    }

    /// <summary>Streams <paramref name="source"/> to its end as data PDVs of at most <see cref="_maxPdvData"/> bytes.</summary>
    private ValueTask SendDataSetAsync(byte contextId, Stream source, Operation operation) =>
        PdvFragmenter.WriteDataSetAsync((pdu, _) => WriteAsync(pdu, operation), contextId, source, _maxPdvData, operation.Token);

    private async ValueTask WriteAsync(PDataTfPdu pdu, Operation operation)
    {
        operation.Restart();
        await _writer.WriteAsync(pdu, operation.Token).ConfigureAwait(false);
    }

    /// <summary>Reads the next DIMSE message (command and, when announced, its data set) answering <paramref name="messageId"/>.</summary>
    private async ValueTask<Message> ReceiveResponseAsync(ushort messageId, DimseCommandField expected, int maxDataLength, Operation operation)
    {
        var command = new ArrayBufferWriter<byte>(256);
        ArrayBufferWriter<byte>? data = null;
        CommandSet? decoded = null;
        while (true)
        {
            PresentationDataValue value = await NextValueAsync(operation).ConfigureAwait(false);
            if (!_accepted.ContainsKey(value.PresentationContextId))
            {
                throw await ProtocolErrorAsync($"The SCP sent a PDV on presentation context {value.PresentationContextId}, which is not accepted.").ConfigureAwait(false);
            }
            if (value.IsCommand)
            {
                if (decoded is not null)
                {
                    throw await ProtocolErrorAsync("The SCP sent a command fragment where the data set was expected.").ConfigureAwait(false);
                }
                if (command.WrittenCount + value.Data.Length > _options.Limits.MaxCommandSetLength)
                {
                    throw await ProtocolErrorAsync($"The SCP's command set is longer than {_options.Limits.MaxCommandSetLength} bytes.").ConfigureAwait(false);
                }
                command.Write(value.Data.Span);
                if (!value.IsLast)
                {
                    continue;
                }
                decoded = CommandSet.Decode(command.WrittenSpan);
                if (decoded.CommandField != expected || decoded.MessageIdBeingRespondedTo != messageId)
                {
                    throw await ProtocolErrorAsync($"Expected {expected} for message {messageId}; the SCP sent {decoded.CommandField} for message {decoded.MessageIdBeingRespondedTo}.").ConfigureAwait(false);
                }
                if (!decoded.HasDataSet)
                {
                    return new Message(decoded, value.PresentationContextId, null);
                }
                data = new ArrayBufferWriter<byte>(4096);
                continue;
            }
            if (decoded is null || data is null)
            {
                throw await ProtocolErrorAsync("The SCP sent a data fragment before a command announcing one.").ConfigureAwait(false);
            }
            if (data.WrittenCount + value.Data.Length > maxDataLength)
            {
                throw await ProtocolErrorAsync($"The SCP's data set in a {expected} is longer than {maxDataLength} bytes.").ConfigureAwait(false);
            }
            data.Write(value.Data.Span);
            if (value.IsLast)
            {
                return new Message(decoded, value.PresentationContextId, data.WrittenMemory.ToArray());
            }
        }
    }

    private async ValueTask<PresentationDataValue> NextValueAsync(Operation operation)
    {
        while (_pendingValues.Count == 0)
        {
            operation.Restart();
            Pdu? pdu = await _reader.ReadAsync(operation.Token).ConfigureAwait(false);
            switch (pdu)
            {
                case PDataTfPdu data:
                    foreach (PresentationDataValue value in data.Values)
                    {
                        _pendingValues.Enqueue(value);
                    }
                    break;
                case AbortPdu abort:
                    await CloseAsync().ConfigureAwait(false);
                    throw new DicomAssociationAbortedException(abort.Source, abort.Reason);
                case null:
                    await CloseAsync().ConfigureAwait(false);
                    throw new DicomAssociationAbortedException("The SCP closed the connection while an operation was under way.");
                default:
                    throw await ProtocolErrorAsync($"The SCP sent {pdu.Type} while an operation was under way.").ConfigureAwait(false);
            }
        }
        return _pendingValues.Dequeue();
    }

    private async ValueTask<DicomNetworkProtocolException> ProtocolErrorAsync(string message)
    {
        await AbortAsync().ConfigureAwait(false);
        return new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, message);
    }

    /// <summary>
    /// Re-encodes the data set of <paramref name="source"/> (a Part 10 stream in <paramref name="fromSyntax"/>) in
    /// <paramref name="toSyntax"/> into a temporary file deleted on close. Large values stay in the source (seekable)
    /// or a spooled copy of it, so nothing large is held in memory.
    /// </summary>
    private static async Task<FileStream> ConvertAsync(Stream source, long start, string fromSyntax, string toSyntax, CancellationToken cancellationToken)
    {
        FileStream? spool = null;
        var output = new FileStream(Path.Combine(Path.GetTempPath(), "portico-scu-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            Stream readable;
            if (start >= 0)
            {
                source.Position = start;
                readable = source;
            }
            else
            {
                spool = new FileStream(Path.Combine(Path.GetTempPath(), "portico-scu-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                await WriteSyntaxPrefixAsync(spool, fromSyntax, cancellationToken).ConfigureAwait(false);
                await source.CopyToAsync(spool, cancellationToken).ConfigureAwait(false);
                spool.Position = 0;
                readable = spool;
            }
            DicomFile file = await DicomFile.ReadAsync(readable, DicomFileReadOptions.Default, cancellationToken).ConfigureAwait(false);
            using (var writer = new DicomWriter(output, sourceStream: readable))
            {
                writer.WriteDatasetWithoutMeta(file.Dataset, TransferSyntax.FromUid(toSyntax));
            }
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            output.Position = 0;
            return output;
        }
        catch
        {
            await output.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (spool is not null)
            {
                await spool.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>"DICM" and a meta group holding only (0002,0010): enough for the reader to know the data set's syntax.</summary>
    private static async Task WriteSyntaxPrefixAsync(Stream output, string syntax, CancellationToken cancellationToken)
    {
        byte[] uid = System.Text.Encoding.ASCII.GetBytes(syntax.Length % 2 == 0 ? syntax : syntax + "\0");
        byte[] prefix = new byte[4 + 8 + uid.Length];
        "DICM"u8.CopyTo(prefix);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(4), 0x0002);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(6), 0x0010);
        prefix[8] = (byte)'U';
        prefix[9] = (byte)'I';
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(10), (ushort)uid.Length);
        uid.CopyTo(prefix, 12);
        await output.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);
    }

    private readonly record struct Message(CommandSet Command, byte PresentationContextId, byte[]? Data);

    /// <summary>
    /// One DIMSE operation: holds the one-at-a-time flag, the response timeout (restarted before each PDU) and whether
    /// it completed; one that did not (after sending anything) leaves the association broken.
    /// </summary>
    private sealed class Operation : IDisposable
    {
        private readonly DicomClientAssociation _association;
        private readonly CancellationToken _caller;
        private readonly CancellationTokenSource _timeout;
        private bool _completed;

        public Operation(DicomClientAssociation association, CancellationToken caller)
        {
            _association = association;
            _caller = caller;
            _timeout = CancellationTokenSource.CreateLinkedTokenSource(caller);
        }

        public CancellationToken Token => _timeout.Token;

        /// <summary>Something was written for this operation (from then on an incomplete operation breaks the association).</summary>
        public bool Sent { get; set; }

        public bool TimedOut => _timeout.IsCancellationRequested && !_caller.IsCancellationRequested;

        public void Restart()
        {
            if (_association._options.ResponseTimeout != System.Threading.Timeout.InfiniteTimeSpan)
            {
                _timeout.CancelAfter(_association._options.ResponseTimeout);
            }
        }

        public void Complete() => _completed = true;

        public TimeoutException TimeoutError(string what) =>
            new($"{what}: the SCP did not answer within {_association._options.ResponseTimeout.TotalSeconds:0.#} s.");

        public void Dispose()
        {
            if (!_completed && Sent && _association._state == State.Established)
            {
                _association._state = State.Broken;
            }
            _timeout.Dispose();
            Volatile.Write(ref _association._busy, 0);
        }
    }
}
