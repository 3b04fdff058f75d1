using Microsoft.EntityFrameworkCore;

namespace Portico.Index.Studies;

/// <summary>Look-ups of stored instances shared by the API, the DICOM services and the stress-test pages.</summary>
public static class InstanceQueries
{
    /// <summary>The blob key the index points at for <paramref name="sopInstanceUid"/> now, or null when it is not stored.</summary>
    public static Task<string?> BlobKeyOfAsync(this IQueryable<Instance> instances, string sopInstanceUid, CancellationToken cancellationToken) =>
        instances.AsNoTracking()
            .Where(i => i.SopInstanceUid == sopInstanceUid)
            .Select(i => i.BlobKey)
            .FirstOrDefaultAsync(cancellationToken);
}
