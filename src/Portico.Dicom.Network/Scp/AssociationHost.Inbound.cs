using System.Buffers;
using Portico.Dicom.Network.Dimse;
using Portico.Dicom.Network.Services;

namespace Portico.Dicom.Network.Scp;

internal sealed partial class AssociationHost
{
    /// <summary>A presentation context accepted on this association, with the roles negotiated for it (PS3.7 §D.3.3.4).</summary>
    private sealed record AcceptedContext(
        byte Id, string AbstractSyntax, string TransferSyntax, DimseOperations Operation, bool RequesterIsScu, bool RequesterIsScp);

    /// <summary>Where the data set PDVs of the request in progress go.</summary>
    private abstract class Inbound(AcceptedContext context) : IAsyncDisposable
    {
        public AcceptedContext Context { get; } = context;

        public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

        public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A C-STORE data set streamed into an <see cref="IStoreTarget"/> as it arrives.</summary>
    private sealed class StoreInbound(AcceptedContext context, CommandSet command, IStoreTarget target) : Inbound(context)
    {
        private DimseResult? _failure;
        private bool _disposed;

        public CommandSet Command { get; } = command;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (_failure is not null)
            {
                return; // The rest of a refused data set is read and dropped; the response says why.
            }
            try
            {
                await target.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            catch (DimseServiceException ex)
            {
                _failure = new DimseResult(ex.Status, ex.Message);
                await DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                _failure = new DimseResult(DimseStatus.OutOfResources, "Cannot write the instance: " + ex.GetType().Name);
                await DisposeAsync().ConfigureAwait(false);
            }
        }

        public async ValueTask<DimseResult> CompleteAsync(CancellationToken cancellationToken)
        {
            if (_failure is { } failure)
            {
                return failure;
            }
            try
            {
                return await target.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DimseServiceException ex)
            {
                return new DimseResult(ex.Status, ex.Message);
            }
            catch (IOException ex)
            {
                return new DimseResult(DimseStatus.OutOfResources, "Cannot store the instance: " + ex.GetType().Name);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                await target.DisposeAsync().ConfigureAwait(false);
            }
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A request refused before its data set arrived: the data set is read and dropped, then <see cref="Response"/> is sent.</summary>
    private sealed class DiscardInbound(AcceptedContext context, CommandSet response, bool countsAsFailedStore = false) : Inbound(context)
    {
        public CommandSet Response { get; } = response;

        public bool CountsAsFailedStore { get; } = countsAsFailedStore;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>The identifier of a C-FIND, C-MOVE or C-GET, collected up to a limit checked before it grows.</summary>
    private sealed class IdentifierInbound(AcceptedContext context, CommandSet command, DimseCommandField responseField, int maxLength) : Inbound(context)
    {
        private readonly ArrayBufferWriter<byte> _bytes = new(1024);

        public CommandSet Command { get; } = command;

        public DimseCommandField ResponseField { get; } = responseField;

        public ReadOnlyMemory<byte> Bytes => _bytes.WrittenMemory;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (_bytes.WrittenCount + data.Length > maxLength)
            {
                throw new DicomNetworkProtocolException(ProtocolErrorReason.PduTooLong, $"{Command.CommandField} identifier longer than {maxLength} bytes.");
            }
            _bytes.Write(data.Span);
            return ValueTask.CompletedTask;
        }
    }
}
