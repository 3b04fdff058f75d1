using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Index;
using Portico.Index.Audit;
using Portico.Index.UploadPortal;
using Portico.Web.Features.Scanning;
using Portico.Web.Features.Uploads;

namespace Portico.Web.Features.UploadPortal;

/// <summary>
/// Portal sessions, shared by the portal's endpoints: open (after a good code), the manifest and its rules, finish,
/// cancel and the status the uploader sees. Every step a person takes is audited (counts only, never patient data).
/// </summary>
public sealed class PortalSessionService(
    PorticoDbContext db,
    UploadStore store,
    IServiceProvider services,
    IOptions<UploadOptions> uploadOptions,
    TimeProvider clock)
{
    public const string UnavailableMessage = "The Upload Portal is not available at the moment. Please contact the hospital.";

    /// <summary>What the portal page needs to know (<c>GET /api/portal/session</c>).</summary>
    public sealed record Info(
        string InstitutionName,
        string Phone,
        string Email,
        string ManualUrl,
        string PrivacyPolicy,
        string ConsentText,
        long MaxSessionBytes,
        int MaxStudiesPerSession,
        int MaxNonDicomFilesPerStudy,
        long MaxFileBytes,
        string State);

    /// <summary>One file (or one entry of a ZIP) and what became of it: Pending, Stored, Duplicate, Refused or Infected.</summary>
    public sealed record FileStatus(string File, string Status, string? Reason);

    /// <summary>The answer of <c>GET /api/portal/session/status</c>.</summary>
    public sealed record Status(string State, IReadOnlyList<FileStatus> Files, int Stored, int Refused, string? Message);

    /// <summary>An outcome recorded for one instance of a processed file (<see cref="PortalFile.ResultsJson"/>).</summary>
    public sealed record InstanceResult(string File, string Status, string? Reason, string? StudyInstanceUid);

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The portal is open when a scanner is configured, or when an administrator allowed unscanned uploads.</summary>
    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IUploadScanning>() is { IsConfigured: true })
        {
            return true;
        }

        return await db.UploadPortalSettings.AsNoTracking().TheRow().Select(s => s.AllowUnscannedUploads).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<UploadPortalSettings> SettingsAsync(CancellationToken cancellationToken) =>
        await db.UploadPortalSettings.AsNoTracking().TheRow().FirstOrDefaultAsync(cancellationToken) ?? new UploadPortalSettings();

    /// <summary>Opens a session for a code just redeemed (the use is already counted and audited).</summary>
    public async Task<PortalSession> OpenAsync(UploadCode code, string typedCode, string? remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        string normalised = UploadCodeSecret.Normalise(typedCode) ?? throw new ArgumentException("Not a code.", nameof(typedCode));
        DateTime now = clock.GetUtcNow().UtcDateTime;
        var session = new PortalSession
        {
            UploadCodeId = code.Id,
            CodeHint = normalised[^4..],
            CreatedAt = now,
            ExpiresAt = now + PortalAuthenticationHandler.Lifetime,
            RemoteAddress = remoteAddress,
        };
        db.PortalSessions.Add(session); // the code's use is audited by UploadCodeService.RedeemAsync
        await db.SaveChangesAsync(cancellationToken);
        return session;
    }

    public async Task<Info?> InfoAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        PortalSessionState? state = await db.PortalSessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => (PortalSessionState?)s.State).FirstOrDefaultAsync(cancellationToken);
        return state is null ? null : InfoOf(await SettingsAsync(cancellationToken), state.Value);
    }

    public Info InfoOf(UploadPortalSettings s, PortalSessionState state)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new Info(s.InstitutionName, s.Phone, s.Email, s.ManualUrl, s.PrivacyPolicy, s.ConsentText, s.MaxSessionBytes, s.MaxStudiesPerSession,
            PortalRules.MaxNonDicomFilesPerStudy, uploadOptions.Value.MaxFileBytes, state.ToString());
    }

    /// <summary>Checks the manifest against every rule; on success saves the contact details and comments and starts uploading.</summary>
    public async Task<PortalRules.Violation?> AcceptManifestAsync(Guid sessionId, PortalRules.Manifest manifest, string? remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        PortalSession session = await db.PortalSessions.Include(s => s.Studies).FirstAsync(s => s.Id == sessionId, cancellationToken);
        if (session.State is not (PortalSessionState.Open or PortalSessionState.Uploading))
        {
            return new PortalRules.Violation("state", "This upload has already been sent. Start a new one with your upload code if you need to send more images.");
        }

        if (manifest.Studies is { } given && given.Any(s => string.IsNullOrWhiteSpace(s.StudyInstanceUid) || s.StudyInstanceUid.Length > 64 || s.Comment is { Length: > 1024 }))
        {
            return new PortalRules.Violation("studies", "Each study needs its Study Instance UID (at most 64 characters), and a comment has at most 1024 characters.");
        }

        UploadPortalSettings settings = await SettingsAsync(cancellationToken);
        if (PortalRules.Check(manifest, settings.MaxSessionBytes, settings.MaxStudiesPerSession) is { } violation)
        {
            return violation;
        }

        session.Email = Blank(manifest.Email);
        session.Phone = Blank(manifest.Phone);
        session.DeclaredBytes = manifest.TotalBytes;
        session.State = PortalSessionState.Uploading;
        foreach (PortalRules.ManifestStudy listed in manifest.Studies!)
        {
            PortalStudy? study = session.Studies.FirstOrDefault(s => s.StudyInstanceUid == listed.StudyInstanceUid);
            if (study is null)
            {
                study = new PortalStudy { SessionId = session.Id, StudyInstanceUid = listed.StudyInstanceUid!.Trim() };
                session.Studies.Add(study);
            }

            study.Comment = Blank(listed.Comment);
            study.DicomFiles = Math.Max(0, listed.DicomFiles);
            study.NonDicomFiles = Math.Max(0, listed.NonDicomFiles);
        }

        int dicom = manifest.Studies.Sum(s => Math.Max(0, s.DicomFiles));
        int nonDicom = manifest.Studies.Sum(s => Math.Max(0, s.NonDicomFiles));
        db.AuditEntries.Add(Audit(clock, session, "UploadPortal.ManifestAccepted",
            $"{manifest.Studies.Count} studies; {dicom} DICOM files; {nonDicom} non-DICOM files; {manifest.TotalBytes} bytes; e-mail {(session.Email is null ? "not given" : "given")}; phone {(session.Phone is null ? "not given" : "given")}",
            remoteAddress));
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// The uploader is done: files still incomplete are discarded, the rest are scanned and ingested in the background
    /// (<see cref="PortalProcessor"/>). Null when finished; else why not.
    /// </summary>
    public async Task<string?> FinishAsync(Guid sessionId, string? remoteAddress, CancellationToken cancellationToken)
    {
        PortalSession session = await db.PortalSessions.FirstAsync(s => s.Id == sessionId, cancellationToken);
        if (session.State is PortalSessionState.Validating or PortalSessionState.WaitingForScanner or PortalSessionState.Completed)
        {
            return null; // finishing twice (a retried request) changes nothing
        }

        if (session.State != PortalSessionState.Uploading)
        {
            return "Start the upload first: accept the privacy policy and give your consent.";
        }

        List<PortalFile> files = await db.PortalFiles.Where(f => f.SessionId == sessionId).ToListAsync(cancellationToken);
        HashSet<(string, long)> arrived = [.. files.Where(f => f.Status == PortalFileStatus.Received).Select(f => (f.FileName, f.Length))];
        foreach (PortalFile file in files.Where(f => f.Status == PortalFileStatus.Receiving).ToList())
        {
            store.Delete(file.UploadId);
            if (arrived.Contains((file.FileName, file.Length)))
            {
                // An attempt the browser abandoned (a pause cut its creation) and made again: the file arrived whole.
                db.PortalFiles.Remove(file);
                files.Remove(file);
                continue;
            }

            file.Status = PortalFileStatus.Refused;
            file.Reason = "The upload of this file did not finish.";
        }

        DateTime now = clock.GetUtcNow().UtcDateTime;
        foreach (PortalFile file in files.Where(f => f.Status == PortalFileStatus.Received))
        {
            // Kept until processed, however long the scanner is away.
            if (store.Find(file.UploadId) is { } record)
            {
                record.ExpiresAt = now + TimeSpan.FromDays(30);
                await store.SaveAsync(record, cancellationToken);
            }
        }

        session.State = PortalSessionState.Validating;
        session.FinishedAt = now;
        session.Message = null;
        db.AuditEntries.Add(Audit(clock, session, "UploadPortal.Finished",
            $"{files.Count(f => f.Status == PortalFileStatus.Received)} files to check; {files.Count(f => f.Status == PortalFileStatus.Refused)} refused", remoteAddress));
        await db.SaveChangesAsync(cancellationToken);
        services.GetRequiredService<PortalProcessor>().Enqueue(sessionId);
        return null;
    }

    /// <summary>CANCEL UPLOAD: every file of the session is discarded and nothing of it ingested. Null when cancelled; else why not.</summary>
    public async Task<string?> CancelAsync(Guid sessionId, string? remoteAddress, CancellationToken cancellationToken)
    {
        PortalSession session = await db.PortalSessions.FirstAsync(s => s.Id == sessionId, cancellationToken);
        if (session.State is not (PortalSessionState.Open or PortalSessionState.Uploading))
        {
            return session.State == PortalSessionState.Cancelled
                ? null
                : "The files have already been sent to the hospital and can no longer be cancelled. Please contact the hospital.";
        }

        List<PortalFile> files = await db.PortalFiles.Where(f => f.SessionId == sessionId).ToListAsync(cancellationToken);
        foreach (PortalFile file in files)
        {
            store.Delete(file.UploadId);
        }

        db.PortalFiles.RemoveRange(files);
        session.State = PortalSessionState.Cancelled;
        session.Message = "The upload was cancelled. No files were sent to the hospital.";
        db.AuditEntries.Add(Audit(clock, session, "UploadPortal.Cancelled", $"{files.Count} files discarded", remoteAddress));
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<Status> StatusAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        PortalSession session = await db.PortalSessions.AsNoTracking().FirstAsync(s => s.Id == sessionId, cancellationToken);
        List<PortalFile> files = await db.PortalFiles.AsNoTracking().Where(f => f.SessionId == sessionId).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).ToListAsync(cancellationToken);
        var rows = new List<FileStatus>();
        foreach (PortalFile file in files)
        {
            if (file.Status is PortalFileStatus.Receiving or PortalFileStatus.Received)
            {
                rows.Add(new FileStatus(file.FileName, "Pending", null));
            }
            else if (file.ResultsJson is { Length: > 0 } json && JsonSerializer.Deserialize<List<InstanceResult>>(json, Json) is { Count: > 0 } results)
            {
                rows.AddRange(results.Select(r => new FileStatus(r.File, r.Status, r.Reason)));
            }
            else
            {
                rows.Add(new FileStatus(file.FileName, file.Status, file.Reason));
            }
        }

        int stored = rows.Count(r => r.Status is PortalFileStatus.Stored or PortalFileStatus.Duplicate);
        int refused = rows.Count(r => r.Status is PortalFileStatus.Refused or PortalFileStatus.Infected);
        return new Status(session.State.ToString(), rows, stored, refused, session.Message ?? MessageFor(session.State, refused));
    }

    private static string? MessageFor(PortalSessionState state, int refused) => state switch
    {
        PortalSessionState.Validating => "Validating files",
        PortalSessionState.WaitingForScanner => "Your files are waiting to be checked for malware. They will be checked as soon as the scanner is available; nothing more is needed from you.",
        PortalSessionState.Completed when refused == 0 => "Upload successful",
        PortalSessionState.Completed => refused == 1 ? "1 file was refused; the other files were sent to the hospital." : $"{refused} files were refused; the other files were sent to the hospital.",
        PortalSessionState.Cancelled => "The upload was cancelled. No files were sent to the hospital.",
        _ => null,
    };

    /// <summary>An audit entry for the uploader (who has no account: the upload code speaks for them).</summary>
    internal static AuditEntry Audit(TimeProvider clock, PortalSession session, string action, string? details, string? remoteAddress) => new()
    {
        At = clock.GetUtcNow().UtcDateTime,
        Actor = "upload code " + session.UploadCodeId,
        ActorKind = ActorKind.UploadCode,
        Action = action,
        Target = "portal session " + session.Id,
        Details = details,
        RemoteAddress = remoteAddress,
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
