using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Portico.Dicom.Network.Association;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;

namespace Portico.Dicom.Network.Scp;

/// <summary>
/// Serves one connection: ARTIM wait for the A-ASSOCIATE-RQ, negotiation, then P-DATA (C-ECHO),
/// release or abort. Protocol violations become an A-ABORT here and nowhere else.
/// </summary>
internal sealed class AssociationHost
{
    private readonly Stream _stream;
    private readonly EndPoint? _remote;
    private readonly DicomServerOptions _options;
    private readonly Func<bool> _tryTakeSlot;
    private readonly PduReader _reader;
    private readonly PduWriter _writer;
    private readonly Dictionary<byte, PresentationContextAccept> _contexts = [];
    private readonly ArrayBufferWriter<byte> _command = new(256);
    private string? _calling;
    private string? _called;
    private uint _peerMaxPdu;
    private int _echoCount;
    private CommandSet? _awaitingDataSetFor;

    public AssociationHost(Stream stream, EndPoint? remote, DicomServerOptions options, Func<bool> tryTakeSlot)
    {
        _stream = stream;
        _remote = remote;
        _options = options;
        _tryTakeSlot = tryTakeSlot;
        _reader = new PduReader(stream, options.Limits);
        _writer = new PduWriter(stream);
    }

    /// <summary>True once a slot was taken (the caller gives it back).</summary>
    public bool HoldsSlot { get; private set; }

    public async Task<AssociationRecord> RunAsync(CancellationToken cancellationToken)
    {
        long started = _options.TimeProvider.GetTimestamp();
        (AssociationOutcome outcome, RejectReason? reject, string? detail) = await ServeAsync(cancellationToken).ConfigureAwait(false);
        return new AssociationRecord
        {
            RemoteEndPoint = _remote,
            CallingAETitle = _calling,
            CalledAETitle = _called,
            Outcome = outcome,
            RejectReason = reject,
            Detail = detail,
            EchoCount = _echoCount,
            Duration = _options.TimeProvider.GetElapsedTime(started),
        };
    }

    private async Task<(AssociationOutcome, RejectReason?, string?)> ServeAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Sta2: transport open, ARTIM running (PS3.8 §9.2, AE-5).
            Pdu? first;
            try
            {
                first = await ReadWithTimeoutAsync(_options.ArtimTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (AssociationOutcome.ArtimExpired, null, $"no A-ASSOCIATE-RQ within {_options.ArtimTimeout}");
            }
            if (first is null)
            {
                return (AssociationOutcome.ConnectionLost, null, "closed before A-ASSOCIATE-RQ");
            }
            if (first is not AssociateRequestPdu request)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, $"{first.Type} received before A-ASSOCIATE-RQ.");
            }
            _calling = request.CallingAETitle;
            _called = request.CalledAETitle;

            NegotiationResult result = Negotiator.Negotiate(request, new AssociationPolicy
            {
                AETitle = _options.AETitle,
                AbstractSyntaxes = _options.AbstractSyntaxes,
                TransferSyntaxes = _options.TransferSyntaxes,
                CallingAETitles = _options.CallingAETitles,
                MaxPduLength = _options.Limits.MaxPduLength,
            });
            if (result.Accept is not null && !_tryTakeSlot())
            {
                result = NegotiationResult.Rejected(RejectResult.RejectedTransient, RejectReason.LocalLimitExceeded);
            }
            else if (result.Accept is not null)
            {
                HoldsSlot = true;
            }
            await _writer.WriteAsync(result.Pdu, cancellationToken).ConfigureAwait(false);
            if (result.Reject is { } reject)
            {
                await DrainUntilPeerClosesAsync().ConfigureAwait(false);
                return (AssociationOutcome.Rejected, reject.Reason, $"{reject.Result}, source {reject.Source}, reason {reject.Reason}");
            }

            foreach (PresentationContextAccept pc in result.Accept!.PresentationContexts)
            {
                if (pc.IsAccepted)
                {
                    _contexts[pc.Id] = pc;
                }
            }
            _peerMaxPdu = request.UserInformation.MaxPduLength ?? 0;
            return await ServeEstablishedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DicomNetworkProtocolException ex)
        {
            await TryAbortAsync(ex.AbortReason).ConfigureAwait(false);
            await DrainUntilPeerClosesAsync().ConfigureAwait(false);
            return (AssociationOutcome.AbortedByServer, null, $"{ex.Reason}: {ex.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
            return (AssociationOutcome.ServerStopped, null, null);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return (AssociationOutcome.ConnectionLost, null, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Loop top of one association: our bug must cost this association only.
            await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
            return (AssociationOutcome.AbortedByServer, null, $"internal error: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Sta6: association established.</summary>
    private async Task<(AssociationOutcome, RejectReason?, string?)> ServeEstablishedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Pdu? pdu;
            try
            {
                pdu = await ReadWithTimeoutAsync(_options.IdleTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
                return (AssociationOutcome.IdleTimeout, null, $"no PDU within {_options.IdleTimeout}");
            }
            switch (pdu)
            {
                case null:
                    return (AssociationOutcome.ConnectionLost, null, "closed without A-RELEASE");
                case PDataTfPdu data:
                    foreach (PresentationDataValue pdv in data.Values)
                    {
                        await HandlePdvAsync(pdv, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                case ReleaseRequestPdu:
                    await _writer.WriteAsync(ReleaseResponsePdu.Instance, cancellationToken).ConfigureAwait(false);
                    return (AssociationOutcome.Released, null, null);
                case AbortPdu abort:
                    return (AssociationOutcome.AbortedByPeer, null, $"source {abort.Source}, reason {abort.Reason}");
                default:
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, $"{pdu.Type} is not allowed on an established association.");
            }
        }
    }

    private async ValueTask HandlePdvAsync(PresentationDataValue pdv, CancellationToken cancellationToken)
    {
        if (!_contexts.ContainsKey(pdv.PresentationContextId))
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"PDV on presentation context {pdv.PresentationContextId}, which was not accepted.");
        }
        if (!pdv.IsCommand)
        {
            // Data set fragments are only expected after a command that announced one; we discard them
            // (no service with a data set exists yet) and answer once the last fragment arrived.
            if (_awaitingDataSetFor is not { } pending)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, "Data set PDV without a command announcing one.");
            }
            if (pdv.IsLast)
            {
                _awaitingDataSetFor = null;
                await RespondAsync(pdv.PresentationContextId, EchoMessages.CreateResponse(pending, DimseStatus.UnrecognizedOperation, "Portico supports only C-ECHO on this port"), cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        if (_awaitingDataSetFor is not null)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, "Command PDV while a data set was expected.");
        }
        if (_command.WrittenCount + pdv.Data.Length > _options.Limits.MaxCommandSetLength)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.PduTooLong, $"Command set longer than {_options.Limits.MaxCommandSetLength} bytes.");
        }
        _command.Write(pdv.Data.Span);
        if (!pdv.IsLast)
        {
            return;
        }
        CommandSet command = CommandSet.Decode(_command.WrittenSpan);
        _command.ResetWrittenCount();
        await HandleCommandAsync(pdv.PresentationContextId, command, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask HandleCommandAsync(byte contextId, CommandSet command, CancellationToken cancellationToken)
    {
        ushort field = command.GetUInt16(CommandElement.CommandField);
        if ((field & 0x8000) != 0)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, $"DIMSE response 0x{field:X4} received, but Portico sent no request.");
        }
        if (command.CommandField == DimseCommandField.CCancelRq)
        {
            return; // Nothing to cancel; C-CANCEL has no response (PS3.7 §9.3.2.3).
        }
        if (command.CommandField == DimseCommandField.CEchoRq && _contexts[contextId].Result == PresentationContextResult.Acceptance)
        {
            _echoCount++;
            await RespondAsync(contextId, EchoMessages.CreateResponse(command, DimseStatus.Success), cancellationToken).ConfigureAwait(false);
            return;
        }
        if (command.HasDataSet)
        {
            _awaitingDataSetFor = command;
            return;
        }
        await RespondAsync(contextId, EchoMessages.CreateResponse(command, DimseStatus.UnrecognizedOperation, "Portico supports only C-ECHO on this port"), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RespondAsync(byte contextId, CommandSet response, CancellationToken cancellationToken)
    {
        byte[] bytes = response.Encode();
        // Each P-DATA-TF variable field must fit the peer's maximum length (PDV header = 6 bytes).
        int fragment = _peerMaxPdu is 0 or > int.MaxValue ? bytes.Length : Math.Max(1, (int)_peerMaxPdu - 6);
        for (int offset = 0; offset < bytes.Length; offset += fragment)
        {
            int length = Math.Min(fragment, bytes.Length - offset);
            bool last = offset + length >= bytes.Length;
            var pdu = new PDataTfPdu([new PresentationDataValue(contextId, IsCommand: true, last, bytes.AsMemory(offset, length))]);
            await _writer.WriteAsync(pdu, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<Pdu?> ReadWithTimeoutAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        return await _reader.ReadAsync(linked.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// After A-ASSOCIATE-RJ or A-ABORT the acceptor waits, under ARTIM, for the peer to close (PS3.8
    /// §9.2, Sta13). Reading and discarding what is left also keeps the kernel from answering unread
    /// bytes with a reset that would destroy the RJ/ABORT before the peer reads it.
    /// </summary>
    private async ValueTask DrainUntilPeerClosesAsync()
    {
        const int MaxDrainBytes = 1024 * 1024;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            using var timer = new CancellationTokenSource(_options.ArtimTimeout, _options.TimeProvider);
            int total = 0;
            int read;
            while (total < MaxDrainBytes && (read = await _stream.ReadAsync(buffer, timer.Token).ConfigureAwait(false)) > 0)
            {
                total += read;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // ARTIM expired or the peer reset: close either way.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask TryAbortAsync(AbortReason reason)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _writer.WriteAsync(new AbortPdu(AbortSource.ServiceProvider, reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer is gone already; closing the socket is all that is left.
        }
    }
}
