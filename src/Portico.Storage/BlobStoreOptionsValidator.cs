using Microsoft.Extensions.Options;

namespace Portico.Storage;

/// <summary>Checks <see cref="BlobStoreOptions"/> once, at start-up.</summary>
internal sealed class BlobStoreOptionsValidator : IValidateOptions<BlobStoreOptions>
{
    /// <summary>Upper bound of <see cref="BlobStoreOptions.GroupCommitWindow"/>: a longer wait only adds latency.</summary>
    internal static readonly TimeSpan MaxGroupCommitWindow = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of <see cref="BlobStoreOptions.MaxGroupSize"/>.</summary>
    internal const int MaxGroupSizeLimit = 4096;

    public ValidateOptionsResult Validate(string? name, BlobStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void ThrowIfInvalid(BlobStoreOptions options)
    {
        List<string> failures = Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(BlobStoreOptions), failures);
        }
    }

    private static List<string> Check(BlobStoreOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RootDirectory))
        {
            failures.Add("Portico:Storage:RootDirectory is required.");
        }

        if (options.GroupCommitWindow < TimeSpan.Zero || options.GroupCommitWindow > MaxGroupCommitWindow)
        {
            failures.Add($"Portico:Storage:GroupCommitWindow must be between 0 and {MaxGroupCommitWindow}.");
        }

        if (options.JournalMaxBlobBytes < 0)
        {
            failures.Add("Portico:Storage:JournalMaxBlobBytes must be 0 (no journal) or more.");
        }
        else if (options.JournalMaxBlobBytes > 0 && options.JournalBytes < BlobJournal.PageSize + 4 * BlobJournal.RecordSize(options.JournalMaxBlobBytes))
        {
            failures.Add("Portico:Storage:JournalBytes must hold at least four blobs of Portico:Storage:JournalMaxBlobBytes.");
        }

        if (options.JournalCheckpointInterval < TimeSpan.Zero || options.JournalCheckpointInterval > MaxGroupCommitWindow * 10)
        {
            failures.Add($"Portico:Storage:JournalCheckpointInterval must be between 0 and {MaxGroupCommitWindow * 10}.");
        }

        if (options.MaxGroupSize is < 1 or > MaxGroupSizeLimit)
        {
            failures.Add($"Portico:Storage:MaxGroupSize must be between 1 and {MaxGroupSizeLimit}.");
        }

        if (options.TempFileMaxAge <= TimeSpan.Zero)
        {
            failures.Add("Portico:Storage:TempFileMaxAge must be positive.");
        }

        if (options.OrphanGracePeriod < TimeSpan.Zero)
        {
            failures.Add("Portico:Storage:OrphanGracePeriod must not be negative.");
        }

        return failures;
    }
}
