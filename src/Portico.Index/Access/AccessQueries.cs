using Microsoft.EntityFrameworkCore;

namespace Portico.Index.Access;

/// <summary>Look-ups for authentication and authorization.</summary>
public static class AccessQueries
{
    /// <summary>
    /// The key whose secret this is, if it is usable: not revoked, and its owner (if any) not disabled.
    /// The secret is hashed first; only hashes reach the database.
    /// </summary>
    public static Task<ApiKey?> FindActiveApiKeyAsync(
        PorticoDbContext db, string secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        string hash = ApiKeySecret.Hash(secret);
        return db.ApiKeys
            .Where(k => k.KeyHash == hash && k.RevokedAt == null && (k.User == null || !k.User.Disabled))
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The permissions a user has through all their roles, sorted, without duplicates.</summary>
    public static async Task<IReadOnlyList<string>> GetUserPermissionsAsync(
        PorticoDbContext db, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await (
                from userRole in db.UserRoles
                join permission in db.RolePermissions on userRole.RoleId equals permission.RoleId
                where userRole.UserId == userId
                select permission.Permission)
            .Distinct()
            .OrderBy(p => p)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The permissions a key grants: its own list, or else its owner's; none for an ownerless key without a list.</summary>
    public static async Task<IReadOnlyList<string>> GetApiKeyPermissionsAsync(
        PorticoDbContext db, ApiKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Permissions is { } own)
        {
            return own;
        }

        return key.UserId is { } owner ? await GetUserPermissionsAsync(db, owner, cancellationToken) : [];
    }
}
