using System.Buffers;
using Portico.Dicom.Data;
using Portico.Dicom.Dictionary;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Services;
using Portico.Dicom.Values;

namespace Portico.Dicom.Network.Scp;

internal sealed partial class AssociationHost
{
    /// <summary>
    /// A C-FIND, C-MOVE or C-GET in progress beside the read loop. C-CANCEL cancels <see cref="Cancellation"/>; the C-STORE
    /// responses of a C-GET's sub-operations reach it through <see cref="TryCompleteSubOperation"/>.
    /// </summary>
    private sealed class RunningOperation(ushort messageId, CancellationTokenSource cancellation) : IDisposable
    {
        private TaskCompletionSource<CommandSet>? _subOperation;
        private ushort _subOperationMessageId;

        public ushort MessageId { get; } = messageId;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Task { get; set; } = Task.CompletedTask;

        public Task<CommandSet> ExpectSubOperationResponse(ushort messageId)
        {
            var pending = new TaskCompletionSource<CommandSet>(TaskCreationOptions.RunContinuationsAsynchronously);
            _subOperationMessageId = messageId;
            Volatile.Write(ref _subOperation, pending);
            return pending.Task;
        }

        public bool TryCompleteSubOperation(CommandSet response)
        {
            TaskCompletionSource<CommandSet>? pending = Volatile.Read(ref _subOperation);
            if (pending is null || response.MessageIdBeingRespondedTo != _subOperationMessageId)
            {
                return false;
            }
            Volatile.Write(ref _subOperation, null);
            return pending.TrySetResult(response);
        }

        public void Dispose() => Cancellation.Dispose();
    }

    private async ValueTask StartQueryAsync(IdentifierInbound query, CancellationToken cancellationToken)
    {
        CommandSet command = query.Command;
        AcceptedContext context = query.Context;
        DicomDataset identifier;
        try
        {
            identifier = await DatasetCodec.DecodeAsync(query.Bytes, context.TransferSyntax, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomFormatException ex)
        {
            ushort status = command.CommandField == DimseCommandField.CFindRq ? DimseStatus.CannotUnderstand : DimseStatus.DataSetDoesNotMatchSopClass;
            await SendAsync(context, DimseResponse.Create(command, query.ResponseField, status, "Identifier cannot be read: " + ex.Message, hasDataSet: false), null, cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        var request = new QueryRequest(_association!, context.AbstractSyntax, identifier,
            command.CommandField == DimseCommandField.CMoveRq ? command.MoveDestination?.Trim(' ') : null);
        var operation = new RunningOperation(command.MessageId, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
        IDimseServiceProvider services = _options.Services!;
        switch (command.CommandField)
        {
            case DimseCommandField.CFindRq:
                _counts.Find++;
                operation.Task = Task.Run(() => RunFindAsync(services, request, context, command, operation, cancellationToken), CancellationToken.None);
                break;
            case DimseCommandField.CMoveRq:
                _counts.Move++;
                operation.Task = Task.Run(() => RunMoveAsync(services, request, context, command, operation, cancellationToken), CancellationToken.None);
                break;
            default:
                _counts.Get++;
                operation.Task = Task.Run(() => RunGetAsync(services, request, context, command, operation, cancellationToken), CancellationToken.None);
                break;
        }
        _operation = operation;
    }

    /// <summary>Cancels the running operation, if any, and waits for it (its final response may still go out).</summary>
    private async ValueTask StopOperationAsync()
    {
        if (_operation is not { } running)
        {
            return;
        }
        _operation = null;
        try
        {
            await running.Cancellation.CancelAsync().ConfigureAwait(false);
            await running.Task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or DicomNetworkProtocolException)
        {
            // The association is ending anyway.
        }
        finally
        {
            running.Dispose();
        }
    }

    private async Task RunFindAsync(IDimseServiceProvider services, QueryRequest request, AcceptedContext context, CommandSet command, RunningOperation operation,
        CancellationToken associationToken)
    {
        CommandSet final;
        try
        {
            await foreach (DicomDataset match in services.FindAsync(request, operation.Cancellation.Token).ConfigureAwait(false))
            {
                operation.Cancellation.Token.ThrowIfCancellationRequested();
                byte[] bytes = DatasetCodec.Encode(match, context.TransferSyntax);
                await SendAsync(context, FindMessages.CreateResponse(command, DimseStatus.Pending, hasIdentifier: true), bytes, associationToken).ConfigureAwait(false);
            }
            final = FindMessages.CreateResponse(command, DimseStatus.Success);
        }
        catch (OperationCanceledException) when (!associationToken.IsCancellationRequested)
        {
            final = FindMessages.CreateResponse(command, DimseStatus.Cancel, errorComment: "Cancelled by C-CANCEL");
        }
        catch (DimseServiceException ex)
        {
            final = FindMessages.CreateResponse(command, ex.Status, errorComment: ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not IOException and not DicomNetworkProtocolException)
        {
            // Loop top of one operation: the association survives our bug, the requester hears "unable to process".
            final = FindMessages.CreateResponse(command, DimseStatus.CannotUnderstand, errorComment: "Unable to process: " + ex.GetType().Name);
        }
        await SendAsync(context, final, null, associationToken).ConfigureAwait(false);
    }

    private async Task RunMoveAsync(IDimseServiceProvider services, QueryRequest request, AcceptedContext context, CommandSet command, RunningOperation operation,
        CancellationToken associationToken)
    {
        RetrieveProgress last = new(0, 0, 0, 0);
        CommandSet final;
        try
        {
            if (string.IsNullOrEmpty(request.MoveDestination))
            {
                throw new DimseServiceException(DimseStatus.MoveDestinationUnknown, "C-MOVE-RQ without a Move Destination");
            }
            await foreach (RetrieveProgress progress in services.MoveAsync(request, operation.Cancellation.Token).ConfigureAwait(false))
            {
                last = progress;
                if (progress.Remaining > 0)
                {
                    await SendAsync(context, MoveMessages.CreateResponse(command, DimseStatus.Pending, Counts(progress)), null, associationToken).ConfigureAwait(false);
                }
            }
            final = RetrieveFinal(command, DimseCommandField.CMoveRsp, last, cancelled: false);
        }
        catch (OperationCanceledException) when (!associationToken.IsCancellationRequested)
        {
            final = RetrieveFinal(command, DimseCommandField.CMoveRsp, last, cancelled: true);
        }
        catch (DimseServiceException ex)
        {
            final = MoveMessages.CreateResponse(command, ex.Status, Counts(last), errorComment: ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The destination refused, aborted or vanished (its errors are IOExceptions too), or our bug: the requester
            // still gets a final response. Should our own connection be the broken one, sending it fails and ends the association.
            final = MoveMessages.CreateResponse(command, DimseStatus.OutOfResourcesUnableToPerformSuboperations, Counts(last),
                errorComment: "Sub-operations failed: " + ex.Message);
        }
        await SendRetrieveFinalAsync(context, final, last, associationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// C-GET (PS3.4 §C.4.3): the matches go back on this association as C-STORE sub-operations, each on a presentation
    /// context for its SOP class and stored transfer syntax where the requester took the SCP role.
    /// </summary>
    private async Task RunGetAsync(IDimseServiceProvider services, QueryRequest request, AcceptedContext context, CommandSet command, RunningOperation operation,
        CancellationToken associationToken)
    {
        var progress = new RetrieveProgress(0, 0, 0, 0);
        var failedUids = new List<string>();
        CommandSet final;
        CancellationToken token = operation.Cancellation.Token;
        try
        {
            var items = new List<RetrieveItem>();
            await foreach (RetrieveItem item in services.RetrieveAsync(request, token).ConfigureAwait(false))
            {
                items.Add(item);
            }
            int completed = 0, failed = 0, warning = 0;
            ushort subMessageId = 1;
            for (int i = 0; i < items.Count; i++)
            {
                token.ThrowIfCancellationRequested();
                RetrieveItem item = items[i];
                AcceptedContext? storeContext = _contexts.Values.FirstOrDefault(c =>
                    c.RequesterIsScp && c.AbstractSyntax == item.SopClassUid && c.TransferSyntax == item.TransferSyntaxUid);
                ushort status = storeContext is null
                    ? DimseStatus.SopClassNotSupported
                    : await StoreSubOperationAsync(storeContext, item, subMessageId++, command, operation, associationToken).ConfigureAwait(false);
                if (DimseStatus.IsSuccess(status))
                {
                    completed++;
                }
                else if (DimseStatus.IsWarning(status))
                {
                    warning++;
                }
                else
                {
                    failed++;
                    failedUids.Add(item.SopInstanceUid);
                }
                progress = new RetrieveProgress(items.Count - i - 1, completed, failed, warning) { FailedSopInstanceUids = failedUids };
                if (progress.Remaining > 0)
                {
                    await SendAsync(context, GetMessages.CreateResponse(command, DimseStatus.Pending, Counts(progress)), null, associationToken).ConfigureAwait(false);
                }
            }
            final = RetrieveFinal(command, DimseCommandField.CGetRsp, progress, cancelled: false);
        }
        catch (OperationCanceledException) when (!associationToken.IsCancellationRequested)
        {
            final = RetrieveFinal(command, DimseCommandField.CGetRsp, progress, cancelled: true);
        }
        catch (DimseServiceException ex)
        {
            final = GetMessages.CreateResponse(command, ex.Status, Counts(progress), errorComment: ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not IOException and not DicomNetworkProtocolException)
        {
            // IOException and protocol errors here come from this association itself: it is ending, no final response.
            final = GetMessages.CreateResponse(command, DimseStatus.OutOfResourcesUnableToPerformSuboperations, Counts(progress), errorComment: "Unable to process: " + ex.GetType().Name);
        }
        await SendRetrieveFinalAsync(context, final, progress, associationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One C-STORE sub-operation of a C-GET: the stored file's data set streamed in PDVs, then its response awaited. It
    /// takes the association's token, not the operation's: a C-CANCEL must not cut a data set in half on the wire or
    /// leave a response unclaimed; it is honoured between sub-operations (PS3.4 §C.4.3.3.3).
    /// </summary>
    private async Task<ushort> StoreSubOperationAsync(AcceptedContext storeContext, RetrieveItem item, ushort messageId, CommandSet getRequest,
        RunningOperation operation, CancellationToken cancellationToken)
    {
        Stream file;
        try
        {
            file = await item.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return DimseStatus.OutOfResources;
        }
        Task<CommandSet> response;
        await using (file.ConfigureAwait(false))
        {
            try
            {
                await Part10Header.ReadAsync(file, cancellationToken).ConfigureAwait(false);
            }
            catch (DicomFormatException)
            {
                return DimseStatus.ProcessingFailure;
            }
            CommandSet store = StoreMessages.CreateRequest(messageId, item.SopClassUid, item.SopInstanceUid, getRequest.Priority);
            response = operation.ExpectSubOperationResponse(messageId);
            await SendStreamAsync(storeContext, store, file, cancellationToken).ConfigureAwait(false);
        }
        CommandSet answer = await response.WaitAsync(cancellationToken).ConfigureAwait(false);
        return answer.Status ?? DimseStatus.ProcessingFailure;
    }

    private static CommandSet RetrieveFinal(CommandSet command, DimseCommandField field, RetrieveProgress progress, bool cancelled)
    {
        ushort status = cancelled ? DimseStatus.Cancel
            : progress.Failed == 0 && progress.Warning == 0 ? DimseStatus.Success
            : progress.Completed == 0 && progress.Warning == 0 ? DimseStatus.OutOfResourcesUnableToPerformSuboperations
            : DimseStatus.Warning; // PS3.4 §C.4.2.1.5: sub-operations complete, one or more failures or warnings.
        string? comment = cancelled ? "Cancelled by C-CANCEL"
            : progress.Failed > 0 ? $"{progress.Failed} of {progress.Completed + progress.Failed + progress.Warning} sub-operations failed" : null;
        bool identifier = progress.FailedSopInstanceUids.Count > 0 && !DimseStatus.IsSuccess(status);
        return field == DimseCommandField.CMoveRsp
            ? MoveMessages.CreateResponse(command, status, Counts(progress), identifier, comment)
            : GetMessages.CreateResponse(command, status, Counts(progress), identifier, comment);
    }

    private async Task SendRetrieveFinalAsync(AcceptedContext context, CommandSet final, RetrieveProgress progress, CancellationToken cancellationToken)
    {
        // Not byte[]?: a null array would convert to an empty ReadOnlyMemory and send an empty data set PDV.
        ReadOnlyMemory<byte>? identifier = null;
        if (final.HasDataSet)
        {
            // PS3.4 §C.4.2.1.3: the Failed SOP Instance UID List travels in the final response's identifier.
            var failed = new DicomDataset();
            failed.AddOrUpdate(DicomTags.FailedSOPInstanceUIDList, DicomVR.UI, string.Join('\\', progress.FailedSopInstanceUids));
            identifier = DatasetCodec.Encode(failed, context.TransferSyntax);
        }
        await SendAsync(context, final, identifier, cancellationToken).ConfigureAwait(false);
    }

    private static SubOperationCounts Counts(RetrieveProgress progress) =>
        SubOperationCounts.FromCounts(progress.Remaining, progress.Completed, progress.Failed, progress.Warning);

    /// <summary>Sends a command and a data set read from <paramref name="dataSet"/> to its end, never holding more than two PDVs of it.</summary>
    private async ValueTask SendStreamAsync(AcceptedContext context, CommandSet command, Stream dataSet, CancellationToken cancellationToken)
    {
        byte[] bytes = command.Encode();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PdvFragmenter.WriteAsync(_writer.WriteAsync, context.Id, isCommand: true, bytes, FragmentLength, cancellationToken).ConfigureAwait(false);
            await PdvFragmenter.WriteDataSetAsync(_writer.WriteAsync, context.Id, dataSet, FragmentLength, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
