using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portico.Dicom;
using Portico.Dicom.Dictionary;
using Portico.Dicom.IO;
using Portico.Dicom.Text;
using Portico.Index;
using Portico.Index.Studies;
using Portico.Ingest.Pipeline;
using Portico.Storage;

namespace Portico.Web.Features.Studies;

/// <summary>A patient identity as the stored DICOM files carry it: the five attributes a merge or an identity change writes.</summary>
public sealed record StoredPatientIdentity(string PatientName, string PatientId, string IssuerOfPatientId, DateOnly? BirthDate, string Sex)
{
    public static StoredPatientIdentity Of(Patient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return new(patient.PatientName, patient.PatientId, patient.IssuerOfPatientId, patient.BirthDate, patient.Sex);
    }

    /// <summary>Whether <paramref name="patient"/> (the index's record) has exactly this identity.</summary>
    public bool Matches(Patient patient) => patient is not null && Equals(Of(patient));

    /// <summary>The attributes of <paramref name="stored"/> (an instance's header) that differ from this identity, with this identity's values.</summary>
    internal SortedDictionary<DicomTag, string> ReplacementsFor(InstanceHeader stored)
    {
        var replacements = new SortedDictionary<DicomTag, string>();
        Add(DicomTags.PatientName, stored.PatientName, PatientName);
        Add(DicomTags.PatientID, stored.PatientId, PatientId);
        Add(DicomTags.IssuerOfPatientID, stored.IssuerOfPatientId, IssuerOfPatientId);
        if (stored.PatientBirthDate != BirthDate)
        {
            replacements[DicomTags.PatientBirthDate] = BirthDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "";
        }

        Add(DicomTags.PatientSex, stored.PatientSex, Sex);
        return replacements;

        void Add(DicomTag tag, string current, string wanted)
        {
            if (!string.Equals(current.Trim(), wanted.Trim(), StringComparison.Ordinal))
            {
                replacements[tag] = wanted;
            }
        }
    }

    /// <summary>Prints no values: they are patient data.</summary>
    public override string ToString() => nameof(StoredPatientIdentity);
}

/// <summary>
/// Gives every stored file of a study a new patient identity, for both the identity change and the merge with a
/// patient. In order: each instance whose file differs from <c>target</c> is rewritten through
/// <see cref="IngestPipeline.RewriteStoredAsync"/> as a new durable blob (the old one untouched); then ONE index
/// transaction points each instance at its new blob, updates the study's size and runs the caller's index change
/// (patient record, audit entry); after the commit the old blobs no row points to any more are deleted.
/// </summary>
/// <remarks>
/// A failure before the commit deletes the new blobs and leaves the old rows and blobs as they were. A crash before
/// the commit leaves new blobs no row points to: at the next start <see cref="IndexRecovery"/> finds their SOP
/// Instance UIDs already indexed with other content and moves them to the blob store's quarantine (never indexed,
/// never shown); a crash after the commit does the same with the old blobs. Instances that arrive for the study while
/// its files are rewritten are rewritten too (the instance list is read again until it is stable).
/// </remarks>
public sealed partial class StudyIdentityRewrite(
    PorticoDbContext db,
    IngestPipeline pipeline,
    IBlobStore blobs,
    StudyRewriteGate gate,
    ILogger<StudyIdentityRewrite> logger)
{
    /// <summary>Files rewritten at once: reading, writing and syncing each one is mostly waiting on the disk.</summary>
    private const int Parallelism = 4;

    /// <summary>
    /// Rewrites the study's files to <paramref name="target"/> and commits the index change. <paramref name="indexChange"/>
    /// runs inside the transaction with the study (tracked, with its patient) and does the rest of the change (patient
    /// record, audit entry); it returns null to commit, or a result to roll everything back and answer with it. It is
    /// given the number of instances whose file was rewritten.
    /// </summary>
    public async Task<StudyChangeResult> RunAsync(
        string studyUid,
        StoredPatientIdentity target,
        Func<Study, int, CancellationToken, Task<StudyChangeResult?>> indexChange,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(indexChange);
        var found = await db.Studies.AsNoTracking().Where(s => s.StudyInstanceUid == studyUid).Select(s => new { s.Id, s.Patient }).FirstOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return StudyChangeResult.NotFound;
        }

        if (!gate.TryEnter(studyUid))
        {
            return StudyChangeResult.Invalid("study", "Another change to this study's patient is in progress. Try again once it is done.");
        }

        var rewritten = new ConcurrentDictionary<InstanceId, (string OldKey, BlobInfo New)>();
        bool committed = false;
        try
        {
            StudyChangeResult? refused = await RewriteFilesAsync(found.Id, target, rewritten, cancellationToken);
            if (refused is not null)
            {
                return refused;
            }

            StudyChangeResult? result = await CommitAsync(found.Id, StoredPatientIdentity.Of(found.Patient), rewritten, indexChange, cancellationToken);
            if (result is not null)
            {
                return result;
            }

            committed = true;
            LogRewritten(logger, studyUid, rewritten.Count);
        }
        finally
        {
            // Not cancellable: whatever the caller does, blobs no row points to must not stay behind. The gate opens
            // only afterwards, so a next rewrite of the study cannot write a blob this clean-up then removes.
            IEnumerable<string> unused = committed ? rewritten.Values.Select(r => r.OldKey) : rewritten.Values.Select(r => r.New.Key.Sha256Hex);
            try
            {
                await DeleteUnreferencedAsync([.. unused.Distinct(StringComparer.Ordinal)]);
            }
            finally
            {
                gate.Exit(studyUid);
            }
        }

        return StudyChangeResult.Done;
    }

    /// <summary>Rewrites every instance whose file does not carry <paramref name="target"/>; null when done, else why not.</summary>
    private async Task<StudyChangeResult?> RewriteFilesAsync(
        StudyId studyId, StoredPatientIdentity target, ConcurrentDictionary<InstanceId, (string OldKey, BlobInfo New)> rewritten, CancellationToken cancellationToken)
    {
        var examined = new ConcurrentDictionary<InstanceId, bool>();
        string? unwritable = null;
        // Instances keep arriving while a large study is rewritten: read the list again until nothing is new.
        for (int round = 0; round < 5; round++)
        {
            var todo = (await db.Instances.AsNoTracking().Where(i => i.Series.StudyId == studyId).Select(i => new { i.Id, i.BlobKey }).ToListAsync(cancellationToken))
                .Where(i => !examined.ContainsKey(i.Id))
                .ToList();
            if (todo.Count == 0)
            {
                break;
            }

            await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (instance, token) =>
            {
                examined[instance.Id] = true;
                BlobKey key = BlobKey.Parse(instance.BlobKey);
                DicomFile header;
                await using (Stream stored = blobs.OpenRead(key))
                {
                    header = await DicomFile.ReadAsync(stored, DicomFileReadOptions.HeaderOnly, token);
                }

                SortedDictionary<DicomTag, string> replacements = target.ReplacementsFor(InstanceHeader.From(header));
                if (replacements.Count == 0)
                {
                    return;
                }

                if (!Encodable(header.Dataset.CharacterSet, replacements, out bool toUtf8))
                {
                    unwritable = header.Dataset.CharacterSet.ToString();
                    return;
                }

                if (toUtf8)
                {
                    // ASCII is a subset of UTF-8: the values already stored read the same.
                    replacements[DicomTags.SpecificCharacterSet] = "ISO_IR 192";
                }

                BlobInfo blob = await pipeline.RewriteStoredAsync(key, replacements, token);
                rewritten[instance.Id] = (instance.BlobKey, blob);
            });

            if (unwritable is not null)
            {
                return StudyChangeResult.Invalid("patient", $"The new identity has characters the stored files' character set ({unwritable}) cannot hold. Nothing was changed.");
            }
        }

        return null;
    }

    /// <summary>Whether every value can be written in <paramref name="characterSet"/>, or in UTF-8 when the files declare none.</summary>
    private static bool Encodable(SpecificCharacterSet characterSet, SortedDictionary<DicomTag, string> replacements, out bool toUtf8)
    {
        toUtf8 = false;
        foreach ((DicomTag tag, string value) in replacements)
        {
            DecodeContext context = tag == DicomTags.PatientName ? DecodeContext.PersonName : DecodeContext.Text;
            if (characterSet.Decode(characterSet.Encode(value, context), context) == value)
            {
                continue;
            }

            if (!characterSet.IsDefault)
            {
                return false;
            }

            toUtf8 = true;
        }

        return true;
    }

    /// <summary>The one transaction: new blobs, new size, the caller's change. Null when committed.</summary>
    private async Task<StudyChangeResult?> CommitAsync(
        StudyId studyId,
        StoredPatientIdentity before,
        ConcurrentDictionary<InstanceId, (string OldKey, BlobInfo New)> rewritten,
        Func<Study, int, CancellationToken, Task<StudyChangeResult?>> indexChange,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        Study? study = await db.Studies.Include(s => s.Patient).FirstOrDefaultAsync(s => s.Id == studyId, cancellationToken);
        if (study is null)
        {
            return StudyChangeResult.NotFound;
        }

        if (!before.Matches(study.Patient))
        {
            return StudyChangeResult.Invalid("study", "The study's patient was changed by someone else meanwhile. Reload the study and try again.");
        }

        InstanceId[] ids = [.. rewritten.Keys];
        List<Instance> instances = await db.Instances.Where(i => ids.Contains(i.Id)).ToListAsync(cancellationToken);
        foreach (Instance instance in instances)
        {
            (string oldKey, BlobInfo blob) = rewritten[instance.Id];
            if (!string.Equals(instance.BlobKey, oldKey, StringComparison.Ordinal))
            {
                // Replaced meanwhile (a conflict overwrite): the file now stored was not the one rewritten.
                return StudyChangeResult.Invalid("study", "An instance of the study was replaced meanwhile. Try again.");
            }

            study.SizeBytes += blob.Length - instance.SizeBytes;
            instance.BlobKey = blob.Key.Sha256Hex;
            instance.Sha256 = blob.Key.Sha256Hex;
            instance.SizeBytes = blob.Length;
        }

        if (instances.Count != ids.Length)
        {
            return StudyChangeResult.Invalid("study", "An instance of the study was deleted meanwhile. Try again.");
        }

        if (await indexChange(study, instances.Count, cancellationToken) is { } refused)
        {
            return refused;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    private async Task DeleteUnreferencedAsync(string[] keys)
    {
        if (keys.Length == 0)
        {
            return;
        }

        try
        {
            HashSet<string> used = [.. await db.Instances.AsNoTracking().Where(i => keys.Contains(i.BlobKey)).Select(i => i.BlobKey).Distinct().ToListAsync(CancellationToken.None)];
            foreach (string key in keys.Where(k => !used.Contains(k)))
            {
                await blobs.DeleteAsync(BlobKey.Parse(key), CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is IOException or DbUpdateException or InvalidOperationException)
        {
            // Left for start-up recovery, which sets such blobs aside (see the remarks above).
            LogCleanupFailed(logger, keys.Length, ex);
        }
    }

    [LoggerMessage(5300, LogLevel.Information, "Rewrote the stored files of {Count} instances of study {StudyInstanceUid} with a new patient identity")]
    private static partial void LogRewritten(ILogger logger, string studyInstanceUid, int count);

    [LoggerMessage(5301, LogLevel.Warning, "Could not delete {Count} blobs no instance uses after a patient identity rewrite; start-up recovery sets them aside")]
    private static partial void LogCleanupFailed(ILogger logger, int count, Exception exception);
}

/// <summary>One identity rewrite per study at a time on this node (two at once would race on the same new blobs).</summary>
public sealed class StudyRewriteGate
{
    private readonly ConcurrentDictionary<string, byte> _busy = new(StringComparer.Ordinal);

    public bool TryEnter(string studyUid) => _busy.TryAdd(studyUid, 0);

    public void Exit(string studyUid) => _busy.TryRemove(studyUid, out _);
}
