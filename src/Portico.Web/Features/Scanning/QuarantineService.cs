using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portico.Index;
using Portico.Index.Audit;
using Portico.Index.Scanning;
using Portico.Index.Studies;
using Portico.Web.Features.Users;

namespace Portico.Web.Features.Scanning;

/// <summary>
/// The quarantine: infected uploads moved out of the upload area into <see cref="ScanningOptions.QuarantineDirectory"/>
/// (<c>{id}.bin</c> and a <c>{id}.json</c> side record with the original name), one <see cref="QuarantinedFile"/> row each,
/// listed for administrators and deleted by them. Both the API and the Settings page go through this service.
/// </summary>
public sealed partial class QuarantineService(PorticoDbContext db, IOptions<ScanningOptions> options, TimeProvider clock, ILogger<QuarantineService> logger)
{
    /// <summary>Moving a file in and committing its row happen under it, so recovery never sees a file half quarantined.</summary>
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private static readonly JsonSerializerOptions SideRecordJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>One quarantined file as administrators see it.</summary>
    public sealed record QuarantineRow(
        QuarantinedFileId Id,
        DateTime QuarantinedAt,
        string FileName,
        string? ZipEntry,
        string Signature,
        long SizeBytes,
        string Sha256,
        IngestSourceKind SourceKind,
        string? SourceId,
        string? SourceName,
        string? SourceAddress);

    public string Directory => options.Value.QuarantineDirectory;

    /// <summary>The path of a quarantined file's bytes.</summary>
    public string PathOf(QuarantinedFileId id) => Path.Combine(Directory, id.Value.ToString("N") + ".bin");

    /// <summary>
    /// Moves the file at <paramref name="path"/> into the quarantine (it is gone from its path afterwards), records it
    /// and audits <c>Upload.Quarantined</c> (no file or entry name: they may name a patient).
    /// </summary>
    public async Task<QuarantinedFile> QuarantineAsync(string path, string displayName, string? zipEntry, string signature, IngestSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        CreateDirectory();
        var row = new QuarantinedFile
        {
            QuarantinedAt = clock.GetUtcNow().UtcDateTime,
            FileName = IndexLimits.Fit(string.IsNullOrWhiteSpace(displayName) ? "upload" : displayName, IndexLimits.NameMaxLength),
            ZipEntry = IndexLimits.Fit(zipEntry, IndexLimits.PathMaxLength),
            Signature = IndexLimits.Fit(signature, IndexLimits.NameMaxLength),
            Source = source,
        };
        string target = PathOf(row.Id);

        // From here on the file is out of the upload area whatever happens: no cancellation half-way.
        await Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await MoveInAsync(path, target, row, zipEntry, source).ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }

        LogQuarantined(logger, row.Id.Value, row.Signature, source.Kind, row.SizeBytes);
        cancellationToken.ThrowIfCancellationRequested();
        return row;
    }

    private async Task MoveInAsync(string path, string target, QuarantinedFile row, string? zipEntry, IngestSource source)
    {
        File.Move(path, target);
        (row.SizeBytes, row.Sha256) = await HashAsync(target).ConfigureAwait(false);
        await WriteSideRecordAsync(row).ConfigureAwait(false);

        db.QuarantinedFiles.Add(row);
        db.AuditEntries.Add(new AuditEntry
        {
            At = row.QuarantinedAt,
            Actor = source.Name ?? source.Id ?? source.Kind.ToString(),
            ActorKind = ActorKindOf(source.Kind),
            Action = "Upload.Quarantined",
            Target = "quarantine/" + row.Id,
            Details = JsonSerializer.Serialize(new { signature = row.Signature, sizeBytes = row.SizeBytes, sha256 = row.Sha256, inZip = zipEntry is not null, sourceKind = source.Kind.ToString(), sourceId = source.Id }),
            RemoteAddress = source.Address,
        });
        await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Quarantined files, newest first.</summary>
    public async Task<IReadOnlyList<QuarantineRow>> ListAsync(CancellationToken cancellationToken)
    {
        List<QuarantinedFile> rows = await db.QuarantinedFiles.AsNoTracking()
            .OrderByDescending(q => q.QuarantinedAt)
            .Take(1000)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(q => new QuarantineRow(q.Id, q.QuarantinedAt, q.FileName, q.ZipEntry, q.Signature, q.SizeBytes, q.Sha256, q.Source.Kind, q.Source.Id, q.Source.Name, q.Source.Address))];
    }

    /// <summary>Deletes a quarantined file (its bytes, side record and row); audited. False when there is none.</summary>
    public async Task<bool> DeleteAsync(QuarantinedFileId id, ActingUser actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        QuarantinedFile? row = await db.QuarantinedFiles.FirstOrDefaultAsync(q => q.Id == id, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return false;
        }

        db.QuarantinedFiles.Remove(row);
        db.AuditEntries.Add(actor.Audit(
            clock,
            "Quarantine.Deleted",
            "quarantine/" + row.Id,
            JsonSerializer.Serialize(new { signature = row.Signature, sizeBytes = row.SizeBytes, sha256 = row.Sha256, sourceKind = row.Source.Kind.ToString(), sourceId = row.Source.Id })));
        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            File.Delete(PathOf(id));
            File.Delete(SideRecordPath(id));
        }
        finally
        {
            Gate.Release();
        }

        LogDeleted(logger, id.Value);
        return true;
    }

    /// <summary>
    /// After a crash between moving a file into the quarantine and committing its row: gives every quarantined file
    /// without a row one, from its side record (or, without one, from the bytes alone), audited like the original
    /// quarantining. Returns how many were recovered.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return 0;
        }

        await Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RecoverUnderGateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<int> RecoverUnderGateAsync(CancellationToken cancellationToken)
    {
        int recovered = 0;
        foreach (string bytesPath in System.IO.Directory.EnumerateFiles(Directory, "*.bin").ToList())
        {
            if (!Guid.TryParseExact(Path.GetFileNameWithoutExtension(bytesPath), "N", out Guid guid))
            {
                continue;
            }

            var id = new QuarantinedFileId(guid);
            if (await db.QuarantinedFiles.AnyAsync(q => q.Id == id, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            QuarantinedFile row = await ReadSideRecordAsync(id, cancellationToken).ConfigureAwait(false)
                ?? new QuarantinedFile { Id = id, QuarantinedAt = File.GetLastWriteTimeUtc(bytesPath), FileName = "unknown", Signature = "unknown", Source = new IngestSource(IngestSourceKind.Import) };
            (row.SizeBytes, row.Sha256) = await HashAsync(bytesPath).ConfigureAwait(false);
            db.QuarantinedFiles.Add(row);
            db.AuditEntries.Add(new AuditEntry
            {
                At = clock.GetUtcNow().UtcDateTime,
                Actor = "system",
                ActorKind = ActorKind.System,
                Action = "Upload.Quarantined",
                Target = "quarantine/" + row.Id,
                Details = JsonSerializer.Serialize(new { signature = row.Signature, sizeBytes = row.SizeBytes, sha256 = row.Sha256, sourceKind = row.Source.Kind.ToString(), sourceId = row.Source.Id, recovered = true }),
            });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            LogRecovered(logger, guid);
            recovered++;
        }

        return recovered;
    }

    private static ActorKind ActorKindOf(IngestSourceKind kind) => kind switch
    {
        IngestSourceKind.User => ActorKind.User,
        IngestSourceKind.UploadCode => ActorKind.UploadCode,
        IngestSourceKind.ApiKey => ActorKind.ApiKey,
        IngestSourceKind.DicomIdentity => ActorKind.DicomIdentity,
        _ => ActorKind.System,
    };


    private static async Task<(long Size, string Sha256)> HashAsync(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            byte[] hash = await SHA256.HashDataAsync(stream).ConfigureAwait(false);
            return (stream.Length, Convert.ToHexStringLower(hash));
        }
    }

    private void CreateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            // Owner only: the files may hold patient data as well as malware.
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string SideRecordPath(QuarantinedFileId id) => Path.Combine(Directory, id.Value.ToString("N") + ".json");

    /// <summary>The row's content beside the bytes, so the file can be identified (original name, source) without the index.</summary>
    private async Task WriteSideRecordAsync(QuarantinedFile row)
    {
        var record = new
        {
            id = row.Id.Value,
            quarantinedAt = row.QuarantinedAt,
            fileName = row.FileName,
            zipEntry = row.ZipEntry,
            signature = row.Signature,
            sizeBytes = row.SizeBytes,
            sha256 = row.Sha256,
            source = new { kind = row.Source.Kind.ToString(), id = row.Source.Id, name = row.Source.Name, address = row.Source.Address },
        };
        string path = SideRecordPath(row.Id);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, record, SideRecordJson).ConfigureAwait(false);
        }
    }

    private async Task<QuarantinedFile?> ReadSideRecordAsync(QuarantinedFileId id, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(SideRecordPath(id), FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                SideRecord? record = await JsonSerializer.DeserializeAsync<SideRecord>(stream, SideRecordJson, cancellationToken).ConfigureAwait(false);
                return record is null ? null : new QuarantinedFile
                {
                    Id = id,
                    QuarantinedAt = record.QuarantinedAt,
                    FileName = IndexLimits.Fit(record.FileName ?? "unknown", IndexLimits.NameMaxLength),
                    ZipEntry = IndexLimits.Fit(record.ZipEntry, IndexLimits.PathMaxLength),
                    Signature = IndexLimits.Fit(record.Signature ?? "unknown", IndexLimits.NameMaxLength),
                    Source = new IngestSource(Enum.TryParse(record.Source?.Kind, out IngestSourceKind kind) ? kind : IngestSourceKind.Import, record.Source?.Id, record.Source?.Name, record.Source?.Address),
                };
            }
        }
        catch (Exception e) when (e is FileNotFoundException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The side record as written by <see cref="WriteSideRecordAsync"/>.</summary>
    private sealed record SideRecord(DateTime QuarantinedAt, string? FileName, string? ZipEntry, string? Signature, SideRecordSource? Source);

    private sealed record SideRecordSource(string? Kind, string? Id, string? Name, string? Address);

    [LoggerMessage(7105, LogLevel.Warning, "Quarantined file {QuarantineId} had no row (the server stopped while quarantining it): recovered")]
    private static partial void LogRecovered(ILogger logger, Guid quarantineId);

    [LoggerMessage(7101, LogLevel.Warning, "Malware found in an upload: moved to quarantine {QuarantineId} (signature {Signature}, source {SourceKind}, {SizeBytes} bytes)")]
    private static partial void LogQuarantined(ILogger logger, Guid quarantineId, string signature, IngestSourceKind sourceKind, long sizeBytes);

    [LoggerMessage(7102, LogLevel.Information, "Quarantined file {QuarantineId} deleted")]
    private static partial void LogDeleted(ILogger logger, Guid quarantineId);
}
