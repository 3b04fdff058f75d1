using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Dicom.Network.Pdus;
using Portico.Dicom.Network.Scu;
using Portico.Dicom.Network.Services;
using Portico.Index;
using Portico.Index.Dicom;
using Portico.Index.Studies;
using Portico.Storage;
using Portico.Web.Features.Dicom;
using Portico.Web.Features.Transfers;

namespace Portico.Web.Features.DicomNetwork;

/// <summary>
/// Sends stored instances to a DICOM Identity in one association (C-STORE SCU): the C-MOVE sub-operations and the
/// study transfers to another PACS. Reports progress after each instance.
/// </summary>
public sealed partial class DicomSender(IServiceScopeFactory scopes, IBlobStore blobs, IOptions<DicomOptions> options, ILogger<DicomSender> logger)
{
    /// <summary>The enabled identity with this AE title that has a host and port, or null.</summary>
    public async Task<DicomIdentityTarget?> FindDestinationAsync(string aeTitle, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var identity = await db.DicomIdentities.AsNoTracking()
            .Where(i => i.AETitle == aeTitle && i.Enabled && i.Host != null && i.Port != null)
            .Select(i => new { i.Id, i.Name, i.AETitle, i.Host, i.Port })
            .FirstOrDefaultAsync(cancellationToken);
        return identity is null ? null : new DicomIdentityTarget(identity.Id.Value, identity.Name, identity.AETitle, identity.Host!, identity.Port!.Value);
    }

    /// <summary>The identity with this id if Portico can send to it, or null.</summary>
    public async Task<DicomIdentityTarget?> FindDestinationAsync(Guid identityId, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
        var identity = await db.DicomIdentities.AsNoTracking()
            .Where(i => i.Id == new DicomIdentityId(identityId) && i.Host != null && i.Port != null)
            .Select(i => new { i.Id, i.Name, i.AETitle, i.Host, i.Port })
            .FirstOrDefaultAsync(cancellationToken);
        return identity is null ? null : new DicomIdentityTarget(identity.Id.Value, identity.Name, identity.AETitle, identity.Host!, identity.Port!.Value);
    }

    public DicomClientOptions ClientOptions(DicomIdentityTarget destination, string? callingAETitle = null) => new()
    {
        Host = destination.Host,
        Port = destination.Port,
        CalledAETitle = destination.AETitle,
        CallingAETitle = callingAETitle ?? options.Value.AETitle,
    };

    /// <summary>
    /// Opens one association to <paramref name="destination"/> and stores every instance, reporting the counts after each
    /// and, through <paramref name="onResult"/>, what the destination answered for it. Connection failures throw.
    /// </summary>
    public async IAsyncEnumerable<RetrieveProgress> SendAsync(
        DicomIdentityTarget destination,
        IReadOnlyList<StoredInstance> instances,
        string? callingAETitle,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        Action<InstanceTransferResult>? onResult = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(instances);
        int completed = 0, failed = 0, warning = 0;
        List<string> failedUids = [];
        if (instances.Count == 0)
        {
            yield return new RetrieveProgress(0, 0, 0, 0);
            yield break;
        }

        IReadOnlyList<PresentationContextRequest> contexts = DicomClient.ProposeFor(instances.Select(i => (i.SopClassUid, i.TransferSyntaxUid)));
        await using DicomClientAssociation association = await DicomClient.ConnectAsync(ClientOptions(destination, callingAETitle), contexts, cancellationToken);
        LogSending(logger, destination.AETitle, instances.Count);
        foreach (StoredInstance instance in instances)
        {
            DimseResult result;
            try
            {
                await using Stream file = blobs.OpenRead(BlobKey.Parse(instance.BlobKey, null));
                result = await association.StoreAsync(file, cancellationToken);
            }
            catch (FileNotFoundException)
            {
                result = await StoreAsStoredNowAsync(association, instance, cancellationToken);
            }

            bool ok = result.Status == 0x0000 || (result.Status & 0xF000) == 0xB000;
            if (result.Status == 0x0000)
            {
                completed++;
            }
            else if (ok)
            {
                warning++;
            }
            else
            {
                failed++;
                failedUids.Add(instance.SopInstanceUid);
            }

            onResult?.Invoke(new InstanceTransferResult(instance.SopInstanceUid, ok, result.Status.ToString("X4", System.Globalization.CultureInfo.InvariantCulture), result.ErrorComment));
            yield return new RetrieveProgress(instances.Count - completed - failed - warning, completed, failed, warning) { FailedSopInstanceUids = failedUids };
        }

        await association.ReleaseAsync(cancellationToken);
    }

    /// <summary>
    /// The blob <paramref name="instance"/> named is gone: a merge or identity change rewrote the instance under a new
    /// blob key (and deleted the old one) after the list was read. Sends the file the index points at now, if any.
    /// </summary>
    private async Task<DimseResult> StoreAsStoredNowAsync(DicomClientAssociation association, StoredInstance instance, CancellationToken cancellationToken)
    {
        var missing = new DimseResult(0xA700, "The stored file is missing");
        string? current;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            PorticoDbContext db = scope.ServiceProvider.GetRequiredService<PorticoDbContext>();
            current = await db.Instances.BlobKeyOfAsync(instance.SopInstanceUid, cancellationToken);
        }

        if (current is null || string.Equals(current, instance.BlobKey, StringComparison.Ordinal))
        {
            return missing;
        }

        try
        {
            await using Stream file = blobs.OpenRead(BlobKey.Parse(current, null));
            return await association.StoreAsync(file, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return missing;
        }
    }

    [LoggerMessage(5601, LogLevel.Information, "Sending {Count} instances to {DestinationAE}")]
    private static partial void LogSending(ILogger logger, string destinationAE, int count);
}
