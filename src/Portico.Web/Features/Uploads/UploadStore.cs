using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Portico.Web.Features.Uploads;

/// <summary>
/// Partial uploads on disk: <c>{id}.bin</c> holds the bytes received so far, <c>{id}.json</c> the
/// <see cref="UploadRecord"/>. Records are replaced atomically (temp file and rename). One append at a time per upload.
/// </summary>
public sealed partial class UploadStore
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly UploadOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<UploadStore> _logger;

    public UploadStore(IOptions<UploadOptions> options, TimeProvider clock, ILogger<UploadStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        Directory.CreateDirectory(_options.Directory);
    }

    public string RootDirectory => _options.Directory;

    public UploadOptions Options => _options;

    public DateTime UtcNow => _clock.GetUtcNow().UtcDateTime;

    public async Task<UploadRecord> CreateAsync(string owner, Portico.Index.Studies.IngestSource source, long length, string? metadataHeader, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        DateTime now = UtcNow;
        var record = new UploadRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Owner = owner,
            Source = source,
            Length = length,
            MetadataHeader = metadataHeader,
            Metadata = metadata,
            CreatedAt = now,
            ExpiresAt = now + _options.Expiration,
            State = UploadState.Receiving,
        };
        await File.WriteAllBytesAsync(DataPath(record.Id), [], cancellationToken).ConfigureAwait(false);
        await SaveAsync(record, cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>The record, or null when there is none (or the id is not one of ours: ids are 32 hex digits).</summary>
    public UploadRecord? Find(string id)
    {
        if (!IsValidId(id))
        {
            return null;
        }

        try
        {
            using FileStream stream = File.OpenRead(RecordPath(id));
            return JsonSerializer.Deserialize<UploadRecord>(stream, Json);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (JsonException ex)
        {
            LogUnreadableRecord(_logger, id, ex);
            return null;
        }
    }

    /// <summary>Bytes received so far.</summary>
    public long OffsetOf(string id)
    {
        var info = new FileInfo(DataPath(id));
        return info.Exists ? info.Length : 0;
    }

    public string DataPath(string id) => Path.Combine(_options.Directory, id + ".bin");

    public async Task SaveAsync(UploadRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        string temp = Path.Combine(_options.Directory, record.Id + ".json.tmp");
        await using (FileStream stream = new(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            await JsonSerializer.SerializeAsync(stream, record, Json, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, RecordPath(record.Id), overwrite: true);
    }

    /// <summary>Removes an upload's bytes and record.</summary>
    public void Delete(string id)
    {
        File.Delete(DataPath(id));
        File.Delete(RecordPath(id));
        if (_locks.TryRemove(id, out SemaphoreSlim? gate))
        {
            gate.Dispose();
        }
    }

    /// <summary>Removes the bytes of a finished upload (its record stays until it expires).</summary>
    public void DeleteData(string id) => File.Delete(DataPath(id));

    public IEnumerable<UploadRecord> All()
    {
        foreach (string path in Directory.EnumerateFiles(_options.Directory, "*.json"))
        {
            if (Find(Path.GetFileNameWithoutExtension(path)) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>Holds the upload for one append; null when another append still holds it after <paramref name="wait"/>.</summary>
    public async Task<IDisposable?> LockAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        return await gate.WaitAsync(wait, cancellationToken).ConfigureAwait(false) ? new Releaser(gate) : null;
    }

    /// <summary>
    /// Appends <paramref name="body"/> at <paramref name="offset"/> (which must be the current offset). Stops when the
    /// upload would grow past its length. With a checksum, the chunk is kept only when it matches. When the client
    /// goes away mid-chunk, what arrived is kept (without a checksum) so the client can resume from there.
    /// </summary>
    public async Task<AppendResult> AppendAsync(UploadRecord record, long offset, Stream body, UploadChecksum? checksum, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(body);
        long current = OffsetOf(record.Id);
        if (offset != current)
        {
            return new AppendResult(AppendStatus.OffsetMismatch, current);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        using IncrementalHash? hash = checksum is null ? null : IncrementalHash.CreateHash(checksum.Algorithm);
        long position = offset;
        try
        {
            // Synchronous writes: they land in the page cache (durability comes from the blob store), and on Linux
            // async file writes are a thread-pool hop each.
            using var file = new FileStream(DataPath(record.Id), FileMode.Open, FileAccess.Write, FileShare.Read, bufferSize: 1, FileOptions.None);
            file.Seek(offset, SeekOrigin.Begin);
            while (true)
            {
                int n;
                try
                {
                    n = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
                {
                    if (checksum is not null)
                    {
                        file.SetLength(offset);
                        position = offset;
                    }

                    return new AppendResult(AppendStatus.Interrupted, position);
                }

                if (n == 0)
                {
                    break;
                }

                if (position + n > record.Length)
                {
                    file.SetLength(offset);
                    return new AppendResult(AppendStatus.TooLong, offset);
                }

                file.Write(buffer, 0, n);
                hash?.AppendData(buffer, 0, n);
                position += n;
            }

            if (hash is not null && !hash.GetHashAndReset().AsSpan().SequenceEqual(checksum!.Digest))
            {
                file.SetLength(offset);
                return new AppendResult(AppendStatus.ChecksumMismatch, offset);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        record.ExpiresAt = UtcNow + _options.Expiration;
        return new AppendResult(AppendStatus.Appended, position);
    }

    /// <summary>Deletes expired uploads (never one being processed) and stray files; returns how many uploads went.</summary>
    public int SweepExpired()
    {
        DateTime now = UtcNow;
        int removed = 0;
        foreach (UploadRecord record in All().ToList())
        {
            if (record.ExpiresAt <= now && record.State != UploadState.Processing)
            {
                Delete(record.Id);
                removed++;
            }
        }

        // Bytes without a record (a crash between the two files at creation) and abandoned temp records.
        foreach (string path in Directory.EnumerateFiles(_options.Directory))
        {
            string name = Path.GetFileName(path);
            string id = name.Split('.')[0];
            bool stray = name.EndsWith(".json.tmp", StringComparison.Ordinal) || (name.EndsWith(".bin", StringComparison.Ordinal) && !File.Exists(RecordPath(id)));
            if (stray && File.GetLastWriteTimeUtc(path) < now - TimeSpan.FromHours(1))
            {
                File.Delete(path);
            }
        }

        if (removed > 0)
        {
            LogExpired(_logger, removed);
        }

        return removed;
    }

    public static bool IsValidId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private string RecordPath(string id) => Path.Combine(_options.Directory, id + ".json");

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                try
                {
                    gate.Release();
                }
                catch (ObjectDisposedException)
                {
                    // the upload was deleted meanwhile
                }
            }
        }
    }

    [LoggerMessage(4100, LogLevel.Warning, "Upload record {Id} could not be read")]
    private static partial void LogUnreadableRecord(ILogger logger, string id, Exception exception);

    [LoggerMessage(4101, LogLevel.Information, "Removed {Count} expired uploads")]
    private static partial void LogExpired(ILogger logger, int count);
}

public enum AppendStatus
{
    Appended,
    OffsetMismatch,
    TooLong,
    ChecksumMismatch,
    Interrupted,
}

public readonly record struct AppendResult(AppendStatus Status, long Offset);

/// <summary>The <c>Upload-Checksum</c> of one chunk (tus checksum extension).</summary>
public sealed record UploadChecksum(HashAlgorithmName Algorithm, byte[] Digest)
{
    /// <summary>What <c>Tus-Checksum-Algorithm</c> announces, in the protocol's spelling.</summary>
    public const string Supported = "sha1,md5,sha256,sha512";

    /// <summary>Parses <c>&lt;algorithm&gt; &lt;base64 digest&gt;</c>; false with a reason when it cannot be used.</summary>
    public static bool TryParse(string header, out UploadChecksum? checksum, out string? error)
    {
        ArgumentNullException.ThrowIfNull(header);
        checksum = null;
        string[] parts = header.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            error = "Upload-Checksum must be '<algorithm> <base64 digest>'.";
            return false;
        }

        // The protocol asks for sha1; these are integrity checks of a chunk in transit, not security.
        HashAlgorithmName? algorithm = parts[0].ToLowerInvariant() switch
        {
            "sha1" => HashAlgorithmName.SHA1,
            "md5" => HashAlgorithmName.MD5,
            "sha256" => HashAlgorithmName.SHA256,
            "sha512" => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (algorithm is null)
        {
            error = $"Upload-Checksum algorithm '{parts[0]}' is not supported; use one of {Supported}.";
            return false;
        }

        byte[] digest;
        try
        {
            digest = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            error = "Upload-Checksum digest is not valid base64.";
            return false;
        }

        checksum = new UploadChecksum(algorithm.Value, digest);
        error = null;
        return true;
    }
}
