using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Portico.Dicom.Data;
using Portico.Dicom.Network.Services;
using Portico.Index;
using Portico.Index.QueryRetrieve;
using Portico.Index.Studies;
using Portico.Ingest;
using Portico.Ingest.Dicom;
using Portico.Ingest.Pipeline;
using Portico.Storage;
using Portico.Web.Features.Dicom;

namespace Portico.Web.Features.DicomNetwork;

/// <summary>
/// The server behind Portico's SCP: C-STORE into the ingest pipeline, C-FIND over the index, C-GET and C-MOVE from the
/// blob store (C-MOVE through <see cref="DicomSender"/> to a DICOM Identity with host and port). A query or retrieve first
/// waits for the index rows of instances already answered (<see cref="IndexCommitter.WhenCommittedAsync"/>): a device
/// that stores and then queries finds what it stored.
/// </summary>
public sealed partial class PorticoDimseServices(
    IngestPipeline pipeline,
    IndexCommitter committer,
    IOptions<IngestOptions> ingestOptions,
    IServiceScopeFactory scopes,
    IBlobStore blobs,
    DicomSender sender,
    ILogger<PorticoDimseServices> logger) : IDimseServiceProvider
{
    /// <summary>PS3.4 §C.4.1.1.4 Failed: Identifier does not match SOP Class.</summary>
    private const ushort IdentifierDoesNotMatchSopClass = 0xA900;

    /// <summary>PS3.4 §C.4.2.1.4 Refused: Move Destination unknown.</summary>
    private const ushort MoveDestinationUnknown = 0xA801;

    /// <summary>PS3.4 §C.4.1.1.4 Failed: Unable to process.</summary>
    private const ushort UnableToProcess = 0xC000;

    public ValueTask<IStoreTarget> BeginStoreAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IngestSource source = SourceOf(request.Association);
        IngestOptions options = ingestOptions.Value;
        return ValueTask.FromResult<IStoreTarget>(CStoreTarget.Create(pipeline, request, source, options.MaxFileBytes, options.OnConflict, waitForIndex: options.AnswerAfterIndexCommit));
    }

    public async IAsyncEnumerable<DicomDataset> FindAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        QueryRetrieveModel model = ModelOf(request.SopClassUid);
        await committer.WhenCommittedAsync(cancellationToken);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        var queries = new DicomQueries(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
        await using IAsyncEnumerator<DicomDataset> matches = Guard(queries.FindAsync(model, request.Identifier, QueryLimits.Default, cancellationToken), cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (await matches.MoveNextAsync())
        {
            yield return matches.Current;
        }
    }

    public async IAsyncEnumerable<RetrieveItem> RetrieveAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        QueryRetrieveModel model = ModelOf(request.SopClassUid);
        await committer.WhenCommittedAsync(cancellationToken);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        var queries = new DicomQueries(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
        await foreach (RetrieveCandidate candidate in Guard(queries.ResolveRetrieveAsync(model, request.Identifier, cancellationToken), cancellationToken))
        {
            BlobKey key = BlobKey.Parse(candidate.BlobKey, null);
            yield return new RetrieveItem(candidate.SopClassUid, candidate.SopInstanceUid, candidate.TransferSyntaxUid, _ => ValueTask.FromResult(blobs.OpenRead(key)));
        }
    }

    public async IAsyncEnumerable<RetrieveProgress> MoveAsync(QueryRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        QueryRetrieveModel model = ModelOf(request.SopClassUid);
        string destinationAE = request.MoveDestination ?? throw new DimseServiceException(MoveDestinationUnknown, "No Move Destination given");
        DicomIdentityTarget destination = await sender.FindDestinationAsync(destinationAE, cancellationToken)
            ?? throw new DimseServiceException(MoveDestinationUnknown, $"'{destinationAE}' is not an enabled identity with host and port");

        List<StoredInstance> instances = [];
        await committer.WhenCommittedAsync(cancellationToken);
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            var queries = new DicomQueries(scope.ServiceProvider.GetRequiredService<PorticoDbContext>());
            await foreach (RetrieveCandidate c in Guard(queries.ResolveRetrieveAsync(model, request.Identifier, cancellationToken), cancellationToken))
            {
                instances.Add(new StoredInstance(c.SopClassUid, c.SopInstanceUid, c.TransferSyntaxUid, c.BlobKey));
            }
        }

        LogMove(logger, request.Association.AssociationId, destinationAE, instances.Count);
        await foreach (RetrieveProgress progress in sender.SendAsync(destination, instances, request.Association.CalledAETitle, cancellationToken))
        {
            yield return progress;
        }
    }

    private static IngestSource SourceOf(AssociationContext association)
    {
        string? address = association.RemoteEndPoint?.ToString();
        return association.PolicyState is DicomIdentityState identity
            ? new IngestSource(IngestSourceKind.DicomIdentity, identity.IdentityId.ToString(), identity.Name, address)
            : new IngestSource(IngestSourceKind.DicomIdentity, null, association.CallingAETitle, address);
    }

    private static QueryRetrieveModel ModelOf(string sopClassUid) =>
        QueryRetrieveModels.TryFromSopClassUid(sopClassUid, out QueryRetrieveModel? model)
            ? model.Value
            : throw new DimseServiceException(UnableToProcess, $"SOP class {sopClassUid} is not a query/retrieve model");

    /// <summary>Turns the index's refusals into DIMSE failures (the association stays up).</summary>
    private static async IAsyncEnumerable<T> Guard<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using IAsyncEnumerator<T> e = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (InvalidQueryException ex)
            {
                throw new DimseServiceException(IdentifierDoesNotMatchSopClass, ex.Message);
            }

            yield return e.Current;
        }
    }

    [LoggerMessage(5600, LogLevel.Information, "Association {AssociationId}: C-MOVE of {Count} instances to {DestinationAE}")]
    private static partial void LogMove(ILogger logger, long associationId, string destinationAE, int count);
}
