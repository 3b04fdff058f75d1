using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Portico.Dicom.Network.Association;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Services;

namespace Portico.Dicom.Network.Scp;

/// <summary>
/// Serves one connection (PS3.8 §9.2, acceptor side): ARTIM wait for the A-ASSOCIATE-RQ, the association policy,
/// negotiation, then P-DATA until release or abort. Protocol violations become an A-ABORT here and nowhere else.
/// One DIMSE operation runs at a time (asynchronous operations window 1/1); a C-FIND, C-MOVE or C-GET runs beside
/// the read loop so that its C-CANCEL and, for C-GET, the C-STORE responses of its sub-operations are read.
/// </summary>
internal sealed partial class AssociationHost : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly IPEndPoint? _remote;
    private readonly int _localPort;
    private readonly TransportSecurity _security;
    private readonly X509Certificate2? _clientCertificate;
    private readonly DicomServerOptions _options;
    private readonly Func<bool> _tryTakeSlot;
    private readonly long _associationId;
    private readonly PduReader _reader;
    private readonly PduWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<byte, AcceptedContext> _contexts = [];
    private readonly ArrayBufferWriter<byte> _command = new(256);
    private readonly Counters _counts = new();
    private string? _calling;
    private string? _called;
    private object? _policyState;
    private DimseOperations _allowed;
    private AssociationContext? _association;
    private uint _peerMaxPdu;
    private Inbound? _inbound;
    private RunningOperation? _operation;
    private CancellationTokenSource? _idle;

    public AssociationHost(
        Stream stream, IPEndPoint? remote, int localPort, TransportSecurity security, X509Certificate2? clientCertificate,
        DicomServerOptions options, long associationId, Func<bool> tryTakeSlot)
    {
        _stream = stream;
        _remote = remote;
        _localPort = localPort;
        _security = security;
        _clientCertificate = clientCertificate;
        _options = options;
        _associationId = associationId;
        _tryTakeSlot = tryTakeSlot;
        _reader = new PduReader(stream, options.Limits, borrowPdvData: true);
        _writer = new PduWriter(stream);
    }

    public async ValueTask DisposeAsync()
    {
        await EndInboundAsync().ConfigureAwait(false);
        _reader.Dispose();
        _idle?.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>True once a slot was taken (the caller gives it back).</summary>
    public bool HoldsSlot { get; private set; }

    public async Task<AssociationRecord> RunAsync(DateTimeOffset startedAt, long startedTimestamp, CancellationToken cancellationToken)
    {
        Ending end;
        try
        {
            end = await ServeAsync(startedTimestamp, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await EndInboundAsync().ConfigureAwait(false);
            _reader.Dispose();
            _idle?.Dispose();
        }
        return new AssociationRecord
        {
            AssociationId = _associationId,
            StartedAt = startedAt,
            Duration = _options.TimeProvider.GetElapsedTime(startedTimestamp),
            RemoteEndPoint = _remote,
            LocalPort = _localPort,
            CallingAETitle = _calling,
            CalledAETitle = _called,
            Security = _security,
            Outcome = end.Outcome,
            RejectResult = end.Reject?.Result,
            RejectSource = end.Reject?.Reason.Source(),
            RejectReason = end.Reject?.Reason,
            Detail = end.Detail,
            PolicyState = _policyState,
            EchoCount = _counts.Echo,
            StoreCount = _counts.Store,
            StoreFailedCount = _counts.StoreFailed,
            FindCount = _counts.Find,
            MoveCount = _counts.Move,
            GetCount = _counts.Get,
            BytesReceived = _reader.BytesRead,
            BytesSent = _writer.BytesWritten,
        };
    }

    private async Task<Ending> ServeAsync(long acceptedTimestamp, CancellationToken cancellationToken)
    {
        try
        {
            // Sta2: transport open, ARTIM running since the connection was accepted (PS3.8 §9.2, AE-5), a TLS
            // handshake included.
            Pdu? first;
            TimeSpan artimLeft = _options.ArtimTimeout - _options.TimeProvider.GetElapsedTime(acceptedTimestamp);
            using (var artim = new CancellationTokenSource(artimLeft > TimeSpan.Zero ? artimLeft : TimeSpan.Zero, _options.TimeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(artim.Token, cancellationToken))
            {
                try
                {
                    first = await _reader.ReadAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return new Ending(AssociationOutcome.ArtimExpired, $"no A-ASSOCIATE-RQ within {_options.ArtimTimeout}");
                }
            }
            if (first is null)
            {
                return new Ending(AssociationOutcome.ConnectionLost, "closed before A-ASSOCIATE-RQ");
            }
            if (first is not AssociateRequestPdu request)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, $"{first.Type} received before A-ASSOCIATE-RQ.");
            }
            _calling = request.CallingAETitle.Trim(' ');
            _called = request.CalledAETitle.Trim(' ');

            (NegotiationResult result, string? why) = await NegotiateAsync(request, cancellationToken).ConfigureAwait(false);
            await _writer.WriteAsync(result.Pdu, cancellationToken).ConfigureAwait(false);
            if (result.Reject is { } reject)
            {
                await DrainUntilPeerClosesAsync().ConfigureAwait(false);
                return new Ending(AssociationOutcome.Rejected, why ?? Describe(reject), reject);
            }

            RecordAcceptedContexts(request, result.Accept!);
            _peerMaxPdu = request.UserInformation.MaxPduLength ?? 0;
            _association = new AssociationContext(_associationId, _calling, _called, _remote, _security, _policyState);
            return await ServeEstablishedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DicomNetworkProtocolException ex)
        {
            await StopOperationAsync().ConfigureAwait(false);
            await TryAbortAsync(ex.AbortReason).ConfigureAwait(false);
            await DrainUntilPeerClosesAsync().ConfigureAwait(false);
            return new Ending(AssociationOutcome.AbortedByServer, $"{ex.Reason}: {ex.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await StopOperationAsync().ConfigureAwait(false);
            await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
            return new Ending(AssociationOutcome.ServerStopped, null);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            await StopOperationAsync().ConfigureAwait(false);
            return new Ending(AssociationOutcome.ConnectionLost, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Loop top of one association: our bug must cost this association only.
            await StopOperationAsync().ConfigureAwait(false);
            await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
            return new Ending(AssociationOutcome.AbortedByServer, $"internal error: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<(NegotiationResult Result, string? Why)> NegotiateAsync(AssociateRequestPdu request, CancellationToken cancellationToken)
    {
        AssociationPolicy policy = BasePolicy();
        // Protocol version, application context and called AE title come first: they need no policy.
        if (Negotiator.Precheck(request, policy) is { } early)
        {
            string? why = early.Reject!.Reason == RejectReason.CalledAETitleNotRecognized
                ? $"called AE title '{_called}' is not Portico's ('{_options.AETitle}')"
                : null;
            return (early, why);
        }
        if (_options.Policy is { } associationPolicy)
        {
            var info = new AssociationRequestInfo(_calling!, _called!, _remote, _security, _clientCertificate);
            AssociationDecision decision = await associationPolicy.DecideAsync(info, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAccepted)
            {
                return (NegotiationResult.Rejected(decision.RejectResult, decision.RejectReason), decision.Why);
            }
            _allowed = decision.AllowedOperations;
            _policyState = decision.State;
        }
        else
        {
            _allowed = _options.Services is null ? DimseOperations.Echo : DimseOperations.All;
        }

        DimseOperations allowed = _allowed;
        bool acceptPrivate = _options.AcceptPrivateSopClasses;
        policy = policy with
        {
            AllowStorageScuRole = allowed.HasFlag(DimseOperations.Store),
            AllowStorageScpRole = allowed.HasFlag(DimseOperations.Get),
            IsPermitted = uid => ServiceClasses.OperationOf(uid, acceptPrivate) switch
            {
                DimseOperations.None => true,
                DimseOperations.Store => (allowed & (DimseOperations.Store | DimseOperations.Get)) != 0,
                DimseOperations op => allowed.HasFlag(op),
            },
        };
        NegotiationResult result = Negotiator.Negotiate(request, policy);
        if (result.Accept is { } accept && !accept.PresentationContexts.Any(pc => pc.IsAccepted))
        {
            // PS3.8 §7.1.1.13: an association without a usable context is pointless; say why instead.
            return (NegotiationResult.Rejected(RejectResult.RejectedPermanent, RejectReason.UserNoReasonGiven),
                $"no presentation context could be accepted ({DescribeRefusals(request, accept)})");
        }
        if (result.Accept is not null)
        {
            if (!_tryTakeSlot())
            {
                return (NegotiationResult.Rejected(RejectResult.RejectedTransient, RejectReason.LocalLimitExceeded),
                    $"{_options.Slots?.Capacity ?? _options.MaxConcurrentAssociations} associations are already open (Portico:Dicom:MaxConcurrentAssociations)");
            }
            HoldsSlot = true;
        }
        return (result, null);
    }

    private AssociationPolicy BasePolicy()
    {
        var abstractSyntaxes = new HashSet<string>(_options.AbstractSyntaxes, StringComparer.Ordinal);
        if (_options.Services is not null)
        {
            abstractSyntaxes.UnionWith(ServiceClasses.Find);
            abstractSyntaxes.UnionWith(ServiceClasses.Move);
            abstractSyntaxes.UnionWith(ServiceClasses.Get);
        }
        bool acceptPrivate = _options.AcceptPrivateSopClasses;
        return new AssociationPolicy
        {
            AETitle = _options.AETitle,
            AbstractSyntaxes = abstractSyntaxes,
            TransferSyntaxes = _options.TransferSyntaxes,
            CallingAETitles = _options.CallingAETitles,
            MaxPduLength = _options.Limits.MaxPduLength,
            IsStorageSopClass = _options.Services is null ? null : uid => ServiceClasses.IsStorage(uid, acceptPrivate),
            StorageTransferSyntaxes = _options.StorageTransferSyntaxes,
        };
    }

    private static string DescribeRefusals(AssociateRequestPdu request, AssociateAcceptPdu accept)
    {
        var reasons = accept.PresentationContexts
            .GroupBy(pc => pc.Result)
            .Select(g => $"{g.Count()} {g.Key switch
            {
                PresentationContextResult.UserRejection => "not allowed for this identity",
                PresentationContextResult.AbstractSyntaxNotSupported => "SOP class not supported",
                PresentationContextResult.TransferSyntaxesNotSupported => "transfer syntaxes not supported",
                _ => g.Key.ToString(),
            }}");
        string first = request.PresentationContexts.Count > 0 ? $"; first: {request.PresentationContexts[0].AbstractSyntax}" : "";
        return string.Join(", ", reasons) + first;
    }

    private void RecordAcceptedContexts(AssociateRequestPdu request, AssociateAcceptPdu accept)
    {
        var roles = accept.UserInformation.RoleSelections.ToDictionary(r => r.SopClassUid, StringComparer.Ordinal);
        var abstractSyntaxOf = request.PresentationContexts.ToDictionary(pc => pc.Id, pc => pc.AbstractSyntax);
        foreach (PresentationContextAccept pc in accept.PresentationContexts)
        {
            if (!pc.IsAccepted || !abstractSyntaxOf.TryGetValue(pc.Id, out string? abstractSyntax))
            {
                continue;
            }
            DimseOperations operation = ServiceClasses.OperationOf(abstractSyntax, _options.AcceptPrivateSopClasses);
            if (operation == DimseOperations.None && _options.AbstractSyntaxes.Contains(abstractSyntax))
            {
                operation = DimseOperations.Store;
            }
            bool requesterScu = true;
            bool requesterScp = false;
            if (roles.TryGetValue(abstractSyntax, out RoleSelection? role))
            {
                requesterScu = role.ScuRole;
                requesterScp = role.ScpRole;
            }
            _contexts[pc.Id] = new AcceptedContext(pc.Id, abstractSyntax, pc.TransferSyntax, operation, requesterScu, requesterScp);
        }
    }

    /// <summary>Sta6: association established.</summary>
    private async Task<Ending> ServeEstablishedAsync(CancellationToken cancellationToken)
    {
        _idle = new CancellationTokenSource(_options.IdleTimeout, _options.TimeProvider);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(_idle.Token, cancellationToken);
        while (true)
        {
            Pdu? pdu;
            try
            {
                pdu = await _reader.ReadAsync(reading.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await StopOperationAsync().ConfigureAwait(false);
                await TryAbortAsync(AbortReason.NotSpecified).ConfigureAwait(false);
                return new Ending(AssociationOutcome.IdleTimeout, $"no PDU within {_options.IdleTimeout}");
            }
            switch (pdu)
            {
                case null:
                    await StopOperationAsync().ConfigureAwait(false);
                    return new Ending(AssociationOutcome.ConnectionLost, _inbound is null ? "closed without A-RELEASE" : "closed in the middle of a message");
                case PDataTfPdu data:
                    foreach (PresentationDataValue pdv in data.Values)
                    {
                        await HandlePdvAsync(pdv, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                case ReleaseRequestPdu:
                    // A release while an operation runs ends that operation first (its final response is still sent).
                    if (_operation is { } running)
                    {
                        await running.Cancellation.CancelAsync().ConfigureAwait(false);
                        await running.Task.ConfigureAwait(false);
                        _operation = null;
                    }
                    if (_inbound is not null)
                    {
                        throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, "A-RELEASE-RQ in the middle of a message.");
                    }
                    await WriteLockedAsync(ReleaseResponsePdu.Instance, cancellationToken).ConfigureAwait(false);
                    return new Ending(AssociationOutcome.Released, null);
                case AbortPdu abort:
                    await StopOperationAsync().ConfigureAwait(false);
                    return new Ending(AssociationOutcome.AbortedByPeer, $"source {abort.Source}, reason {abort.Reason}"
                        + (_inbound is null ? "" : "; the message in progress was discarded"));
                default:
                    throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, $"{pdu.Type} is not allowed on an established association.");
            }
            RestartIdleTimer();
        }
    }

    /// <summary>The idle timer runs only while nothing is in progress: a long C-MOVE is not "idle".</summary>
    private void RestartIdleTimer()
    {
        if (_operation is null || _operation.Task.IsCompleted)
        {
            _idle!.CancelAfter(_options.IdleTimeout);
        }
        else
        {
            _idle!.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    private async ValueTask HandlePdvAsync(PresentationDataValue pdv, CancellationToken cancellationToken)
    {
        if (!_contexts.TryGetValue(pdv.PresentationContextId, out AcceptedContext? context))
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"PDV on presentation context {pdv.PresentationContextId}, which was not accepted.");
        }
        if (!pdv.IsCommand)
        {
            if (_inbound is not { } inbound)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, "Data set PDV without a command announcing one.");
            }
            if (inbound.Context.Id != context.Id)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, $"Data set PDV on context {context.Id} for a command sent on context {inbound.Context.Id}.");
            }
            await inbound.WriteAsync(pdv.Data, cancellationToken).ConfigureAwait(false);
            if (pdv.IsLast)
            {
                _inbound = null;
                await CompleteInboundAsync(inbound, cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        if (_inbound is not null)
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
        await HandleCommandAsync(context, command, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask HandleCommandAsync(AcceptedContext context, CommandSet command, CancellationToken cancellationToken)
    {
        ushort field = command.GetUInt16(CommandElement.CommandField);
        if ((field & 0x8000) != 0)
        {
            if (command.CommandField == DimseCommandField.CStoreRsp && _operation?.TryCompleteSubOperation(command) == true)
            {
                return;
            }
            throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu, $"DIMSE response 0x{field:X4} received for no request of Portico's.");
        }
        if (command.CommandField == DimseCommandField.CCancelRq)
        {
            // PS3.7 §9.3.2.3: no response; a cancel for anything but the running operation is ignored.
            if (_operation is { } running && running.MessageId == command.MessageIdBeingRespondedTo)
            {
                await running.Cancellation.CancelAsync().ConfigureAwait(false);
            }
            return;
        }
        if (_operation is { } busy)
        {
            if (!busy.Task.IsCompleted)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.UnexpectedPdu,
                    $"A second request (0x{field:X4}) while operation {busy.MessageId} is in progress exceeds the asynchronous operations window of 1.");
            }
            await busy.Task.ConfigureAwait(false);
            _operation = null;
            busy.Dispose();
        }

        switch (command.CommandField)
        {
            case DimseCommandField.CEchoRq when context.Operation == DimseOperations.Echo:
                _counts.Echo++;
                await SendAsync(context, EchoMessages.CreateResponse(command, DimseStatus.Success), null, cancellationToken).ConfigureAwait(false);
                return;
            case DimseCommandField.CStoreRq when context.Operation == DimseOperations.Store:
                _inbound = await BeginStoreAsync(context, command, cancellationToken).ConfigureAwait(false);
                return;
            case DimseCommandField.CFindRq when context.Operation == DimseOperations.Find:
            case DimseCommandField.CMoveRq when context.Operation == DimseOperations.Move:
            case DimseCommandField.CGetRq when context.Operation == DimseOperations.Get:
                Inbound? query = BeginQuery(context, command);
                if (query is null)
                {
                    DimseCommandField responseField = (DimseCommandField)(field | 0x8000);
                    await SendAsync(context, DimseResponse.Create(command, responseField, DimseStatus.CannotUnderstand, $"{command.CommandField} without an identifier", hasDataSet: false),
                        null, cancellationToken).ConfigureAwait(false);
                    return;
                }
                _inbound = query;
                return;
        }
        // C-ECHO on a non-verification context, N-services, anything else: refused with the proper response.
        var response = DimseResponse.Create(command, (DimseCommandField)(field | 0x8000), DimseStatus.UnrecognizedOperation,
            $"Portico does not perform 0x{field:X4} on {context.AbstractSyntax}", hasDataSet: false);
        if (command.HasDataSet)
        {
            _inbound = new DiscardInbound(context, response);
            return;
        }
        await SendAsync(context, response, null, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Inbound> BeginStoreAsync(AcceptedContext context, CommandSet command, CancellationToken cancellationToken)
    {
        if (!command.HasDataSet)
        {
            throw new DicomNetworkProtocolException(ProtocolErrorReason.Malformed, "C-STORE-RQ without a data set.");
        }
        string? sopClass = command.AffectedSopClassUid;
        string? sopInstance = command.AffectedSopInstanceUid;
        CommandSet Refuse(ushort status, string why) => StoreMessages.CreateResponse(command, status, why);
        if (context.Operation != DimseOperations.Store || _options.Services is not { } services)
        {
            return new DiscardInbound(context, Refuse(DimseStatus.SopClassNotSupported, $"{context.AbstractSyntax} is not a storage SOP class"), countsAsFailedStore: true);
        }
        if (!context.RequesterIsScu || !_allowed.HasFlag(DimseOperations.Store))
        {
            return new DiscardInbound(context, Refuse(DimseStatus.NotAuthorized, "This DICOM Identity may not store (C-STORE is not among its operations)"), countsAsFailedStore: true);
        }
        if (string.IsNullOrEmpty(sopInstance) || sopClass != context.AbstractSyntax)
        {
            return new DiscardInbound(context, Refuse(DimseStatus.CannotUnderstand,
                string.IsNullOrEmpty(sopInstance) ? "C-STORE-RQ without Affected SOP Instance UID" : "Affected SOP Class UID differs from the presentation context's"), countsAsFailedStore: true);
        }
        var request = new StoreRequest(_association!, sopClass, sopInstance, context.TransferSyntax, command.MoveOriginatorAETitle);
        try
        {
            IStoreTarget target = await services.BeginStoreAsync(request, cancellationToken).ConfigureAwait(false);
            return new StoreInbound(context, command, target);
        }
        catch (DimseServiceException ex)
        {
            return new DiscardInbound(context, Refuse(ex.Status, ex.Message), countsAsFailedStore: true);
        }
        catch (IOException ex)
        {
            return new DiscardInbound(context, Refuse(DimseStatus.OutOfResources, "Cannot write the instance: " + ex.GetType().Name), countsAsFailedStore: true);
        }
    }

    /// <summary>The identifier's destination, or null for a request without one (answered with a failure, not an abort).</summary>
    private Inbound? BeginQuery(AcceptedContext context, CommandSet command)
    {
        (DimseOperations operation, DimseCommandField responseField) = command.CommandField switch
        {
            DimseCommandField.CFindRq => (DimseOperations.Find, DimseCommandField.CFindRsp),
            DimseCommandField.CMoveRq => (DimseOperations.Move, DimseCommandField.CMoveRsp),
            _ => (DimseOperations.Get, DimseCommandField.CGetRsp),
        };
        if (!command.HasDataSet)
        {
            return null;
        }
        string? refusal = context.Operation != operation || _options.Services is null
            ? $"{command.CommandField} is not served on {context.AbstractSyntax}"
            : !_allowed.HasFlag(operation) ? $"This DICOM Identity may not use {command.CommandField}" : null;
        if (refusal is not null)
        {
            ushort status = context.Operation != operation ? DimseStatus.SopClassNotSupported : DimseStatus.NotAuthorized;
            return new DiscardInbound(context, DimseResponse.Create(command, responseField, status, refusal, hasDataSet: false));
        }
        return new IdentifierInbound(context, command, responseField, _options.MaxIdentifierLength);
    }

    private async ValueTask CompleteInboundAsync(Inbound inbound, CancellationToken cancellationToken)
    {
        switch (inbound)
        {
            case StoreInbound store:
                DimseResult result = await store.CompleteAsync(cancellationToken).ConfigureAwait(false);
                if (DimseStatus.IsFailure(result.Status))
                {
                    _counts.StoreFailed++;
                }
                else
                {
                    _counts.Store++;
                }
                await SendAsync(inbound.Context, StoreMessages.CreateResponse(store.Command, result.Status, result.ErrorComment), null, cancellationToken).ConfigureAwait(false);
                break;
            case DiscardInbound discard:
                if (discard.CountsAsFailedStore)
                {
                    _counts.StoreFailed++;
                }
                await SendAsync(inbound.Context, discard.Response, null, cancellationToken).ConfigureAwait(false);
                break;
            case IdentifierInbound query:
                await StartQueryAsync(query, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>A message cut short (abort, lost connection, server stop): its C-STORE target is discarded.</summary>
    private async ValueTask EndInboundAsync()
    {
        if (_inbound is { } inbound)
        {
            _inbound = null;
            await inbound.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends a command and, when given, its data set, fragmented to the peer's maximum PDU length.</summary>
    private async ValueTask SendAsync(AcceptedContext context, CommandSet command, ReadOnlyMemory<byte>? dataSet, CancellationToken cancellationToken)
    {
        byte[] bytes = command.Encode();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PdvFragmenter.WriteAsync(_writer.WriteAsync, context.Id, isCommand: true, bytes, FragmentLength, cancellationToken).ConfigureAwait(false);
            if (dataSet is { } data)
            {
                await PdvFragmenter.WriteAsync(_writer.WriteAsync, context.Id, isCommand: false, data, FragmentLength, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private int FragmentLength =>
        // Each P-DATA-TF variable field must fit the peer's maximum length (PDV header = 6 bytes); 0 means no limit.
        _peerMaxPdu is 0 or > 1024 * 1024 ? (int)Math.Min(_options.Limits.MaxPduLength, 1024 * 1024) - 6 : Math.Max(1, (int)_peerMaxPdu - 6);

    private async ValueTask WriteLockedAsync(Pdu pdu, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _writer.WriteAsync(pdu, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
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
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or NotSupportedException)
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
            await WriteLockedAsync(new AbortPdu(AbortSource.ServiceProvider, reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or NotSupportedException)
        {
            // The peer is gone already; closing the socket is all that is left.
        }
    }

    private static string Describe(AssociateRejectPdu reject) => $"{reject.Result}, source {reject.Reason.Source()}, reason {reject.Reason}";

    private sealed record Ending(AssociationOutcome Outcome, string? Detail, AssociateRejectPdu? Reject = null);

    private sealed class Counters
    {
        public int Echo;
        public int Store;
        public int StoreFailed;
        public int Find;
        public int Move;
        public int Get;
    }
}
