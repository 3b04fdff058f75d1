using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portico.Index;
using Portico.Index.Dicom;
using Portico.Web.Features.DicomNetwork;
using Portico.Web.Features.Transfers;
using Portico.Web.Security;

namespace Portico.Web.Features.Studies;

/// <summary>A DICOM Identity a study can be sent to (it has a host and port).</summary>
public sealed record TransferDestination(Guid Id, string Name, string AETitle, string Host, int Port, bool Enabled);

/// <summary>Starting a transfer: the job, or why not (no such study, or the destination cannot be used).</summary>
public sealed record TransferStart(TransferJob? Job, bool StudyFound, string? Error);

/// <summary>
/// Starts <i>Send to PACS</i> for the study page and <c>POST /api/studies/{uid}/send</c>: checks the study and the
/// destination, queues the job on <see cref="TransferQueue"/> and audits the request.
/// </summary>
public sealed class StudyTransfers(PorticoDbContext db, DicomSender sender, TransferQueue queue, TimeProvider clock)
{
    public Task<List<TransferDestination>> DestinationsAsync(CancellationToken cancellationToken) =>
        db.DicomIdentities.AsNoTracking()
            .Where(i => i.Host != null && i.Host != "" && i.Port != null)
            .OrderBy(i => i.Name)
            .Select(i => new TransferDestination(i.Id.Value, i.Name, i.AETitle, i.Host!, i.Port!.Value, i.Enabled))
            .ToListAsync(cancellationToken);

    public async Task<TransferStart> StartAsync(string studyUid, Guid identityId, StudyCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!await db.Studies.AnyAsync(s => s.StudyInstanceUid == studyUid, cancellationToken))
        {
            return new TransferStart(null, false, $"No study with Study Instance UID {studyUid}.");
        }

        DicomIdentityTarget? destination = await sender.FindDestinationAsync(identityId, cancellationToken);
        if (destination is null)
        {
            return new TransferStart(null, true, "No DICOM Identity with this id has a host and port to send to.");
        }

        // Disabling an identity stops Portico talking to it both ways (the echo test excepted, to try it before enabling).
        if (!await db.DicomIdentities.AnyAsync(i => i.Id == new DicomIdentityId(identityId) && i.Enabled, cancellationToken))
        {
            return new TransferStart(null, true, $"DICOM Identity '{destination.Name}' is disabled: enable it to send to it.");
        }

        TransferJob job = queue.Enqueue(studyUid, destination, caller.User.Actor());
        db.AuditEntries.Add(AuditRecords.Create(caller.User, caller.RemoteAddress, clock, "Study.Transfer", "study/" + studyUid,
            JsonSerializer.Serialize(new { job = job.Id, destination = destination.ToString(), identityId = destination.IdentityId })));
        await db.SaveChangesAsync(cancellationToken);
        return new TransferStart(job, true, null);
    }
}
