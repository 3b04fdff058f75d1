using Portico.Index.Studies;

namespace Portico.Web.Features.Uploads;

/// <summary>
/// What differs between the places that speak tus (<see cref="UploadsApi.MapTus"/>): staff uploads at
/// <c>/api/uploads</c>, ingested as soon as they are complete, and the Upload Portal's, which wait for their session.
/// The protocol itself (creation, offsets, checksums, termination) is the same code for both.
/// </summary>
public abstract class TusProfile
{
    /// <summary>Where the uploads live, for <c>Location</c> (e.g. <c>/api/uploads</c>).</summary>
    public abstract string BasePath { get; }

    /// <summary>Who owns uploads created by this caller; nobody else can see or touch them.</summary>
    public abstract string OwnerOf(HttpContext context);

    /// <summary>Recorded on every instance the upload stores.</summary>
    public abstract IngestSource SourceOf(HttpContext context);

    /// <summary>A refusal before an upload is created (after the protocol's own checks), or null to go on.</summary>
    public virtual ValueTask<IResult?> CheckCreationAsync(HttpContext context, long length, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IResult?>(null);

    /// <summary>Called once a new upload's record exists (to remember it elsewhere).</summary>
    public virtual ValueTask CreatedAsync(HttpContext context, UploadRecord record, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>A refusal before bytes are appended to, or an upload is terminated, or null to go on.</summary>
    public virtual ValueTask<IResult?> CheckChangeAsync(HttpContext context, UploadRecord record, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IResult?>(null);

    /// <summary>
    /// Every byte has arrived: set the record's state and save it (<paramref name="store"/>); a result refuses the file
    /// (the answer to the request that completed it).
    /// </summary>
    public abstract ValueTask<IResult?> CompletedAsync(HttpContext context, UploadRecord record, UploadStore store, CancellationToken cancellationToken);

    /// <summary>Called after an upload was terminated and its files removed.</summary>
    public virtual ValueTask TerminatedAsync(HttpContext context, UploadRecord record, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
