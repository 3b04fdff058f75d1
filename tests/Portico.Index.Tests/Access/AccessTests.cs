using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portico.Index.Access;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests.Access;

public abstract class AccessTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : AccessTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : AccessTests(database), IClassFixture<PostgresTestDatabase>;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Roles_AfterMigration_AreTheDefaultRolesWithTheirPermissions()
    {
        await using PorticoDbContext db = database.CreateContext();

        foreach (DefaultRole expected in DefaultRoles.All)
        {
            PorticoRole role = await db.Roles.Include(r => r.Permissions).SingleAsync(r => r.Id == expected.Id, Ct);
            Assert.Equal(expected.Name, role.Name);
            Assert.Equal(expected.Name.ToUpperInvariant(), role.NormalizedName);
            Assert.Equal(expected.Permissions.Order(StringComparer.Ordinal), role.Permissions.Select(p => p.Permission).Order(StringComparer.Ordinal));
        }

        Assert.Equal(Permissions.All.Count, await db.RolePermissions.CountAsync(p => p.RoleId == DefaultRoles.AdministratorId, Ct));
        Assert.Equal(
            [Permissions.StudiesChangePatientIdentity, Permissions.StudiesLabel, Permissions.StudiesUpload, Permissions.StudiesView],
            await db.RolePermissions.Where(p => p.RoleId == DefaultRoles.TechnicianId).Select(p => p.Permission).OrderBy(p => p).ToListAsync(Ct));
        Assert.Equal(
            [Permissions.StudiesView],
            await db.RolePermissions.Where(p => p.RoleId == DefaultRoles.ViewerId).Select(p => p.Permission).ToListAsync(Ct));
    }

    [Fact]
    public async Task GetUserPermissionsAsync_UserInTwoRoles_ReturnsTheUnionOnce()
    {
        PorticoUser user = await AddUserAsync(DefaultRoles.PhysicianId, DefaultRoles.ViewerId);
        await using PorticoDbContext db = database.CreateContext();

        IReadOnlyList<string> permissions = await AccessQueries.GetUserPermissionsAsync(db, user.Id, Ct);

        Assert.Equal(
            [Permissions.StudiesChangePatientIdentity, Permissions.StudiesLabel, Permissions.StudiesUpload, Permissions.StudiesView],
            permissions);
    }

    [Fact]
    public async Task FindActiveApiKeyAsync_KnownSecret_FindsTheKeyByItsHash()
    {
        PorticoUser owner = await AddUserAsync(DefaultRoles.TechnicianId);
        string secret = ApiKeySecret.Generate();
        ApiKey key = await AddKeyAsync(secret, k => k.UserId = owner.Id);
        await using PorticoDbContext db = database.CreateContext();

        ApiKey? found = await AccessQueries.FindActiveApiKeyAsync(db, secret, Ct);

        Assert.NotNull(found);
        Assert.Equal(key.Id, found.Id);
        Assert.Equal(64, found.KeyHash.Length);
        Assert.Equal(secret[..8], found.Prefix);
        Assert.DoesNotContain(secret, found.KeyHash, StringComparison.Ordinal);
        Assert.Equal(
            await AccessQueries.GetUserPermissionsAsync(db, owner.Id, Ct),
            await AccessQueries.GetApiKeyPermissionsAsync(db, found, Ct));
        Assert.Null(await AccessQueries.FindActiveApiKeyAsync(db, ApiKeySecret.Generate(), Ct));
    }

    [Fact]
    public async Task FindActiveApiKeyAsync_RevokedKeyOrDisabledOwner_FindsNothing()
    {
        PorticoUser disabled = await AddUserAsync(DefaultRoles.AdministratorId);
        await using (PorticoDbContext db = database.CreateContext())
        {
            await db.Users.Where(u => u.Id == disabled.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Disabled, true), Ct);
        }

        string revoked = ApiKeySecret.Generate();
        string ofDisabled = ApiKeySecret.Generate();
        await AddKeyAsync(revoked, k => k.RevokedAt = TestData.Received);
        await AddKeyAsync(ofDisabled, k => k.UserId = disabled.Id);
        await using PorticoDbContext check = database.CreateContext();

        Assert.Null(await AccessQueries.FindActiveApiKeyAsync(check, revoked, Ct));
        Assert.Null(await AccessQueries.FindActiveApiKeyAsync(check, ofDisabled, Ct));
    }

    [Fact]
    public async Task GetApiKeyPermissionsAsync_KeyWithOwnList_ReturnsItsList()
    {
        string secret = ApiKeySecret.Generate();
        await AddKeyAsync(secret, k => k.Permissions = [Permissions.StudiesUpload]);
        await using PorticoDbContext db = database.CreateContext();

        ApiKey key = (await AccessQueries.FindActiveApiKeyAsync(db, secret, Ct))!;

        Assert.Null(key.UserId);
        Assert.Equal([Permissions.StudiesUpload], await AccessQueries.GetApiKeyPermissionsAsync(db, key, Ct));
    }

    [Fact]
    public async Task SaveChanges_DuplicateKeyHash_Throws()
    {
        string secret = ApiKeySecret.Generate();
        await AddKeyAsync(secret);

        await Assert.ThrowsAsync<DbUpdateException>(() => AddKeyAsync(secret));
    }

    private async Task<PorticoUser> AddUserAsync(params Guid[] roleIds)
    {
        string email = $"user-{Guid.NewGuid():N}@example.org";
        var user = new PorticoUser(email)
        {
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = "Test User",
        };
        await using PorticoDbContext db = database.CreateContext();
        db.Users.Add(user);
        db.UserRoles.AddRange(roleIds.Select(role => new IdentityUserRole<Guid> { UserId = user.Id, RoleId = role }));
        await db.SaveChangesAsync(Ct);
        return user;
    }

    private async Task<ApiKey> AddKeyAsync(string secret, Action<ApiKey>? configure = null)
    {
        var key = new ApiKey
        {
            Name = "watch-folder " + Guid.NewGuid().ToString("N")[..6],
            KeyHash = ApiKeySecret.Hash(secret),
            Prefix = ApiKeySecret.PrefixOf(secret),
            CreatedAt = TestData.Received,
        };
        configure?.Invoke(key);
        await using PorticoDbContext db = database.CreateContext();
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(Ct);
        return key;
    }
}
