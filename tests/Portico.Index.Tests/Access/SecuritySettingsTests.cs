using Microsoft.EntityFrameworkCore;
using Portico.Index.Access;
using Portico.Index.Tests.Infrastructure;
using Xunit;

namespace Portico.Index.Tests.Access;

public abstract class SecuritySettingsTests(IIndexDatabase database)
{
    public sealed class Sqlite(SqliteTestDatabase database) : SecuritySettingsTests(database), IClassFixture<SqliteTestDatabase>;

    public sealed class Postgres(PostgresTestDatabase database) : SecuritySettingsTests(database), IClassFixture<PostgresTestDatabase>;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecuritySettings_AfterMigration_IsOneRowWithTheDefaultsAndKeepsAChange()
    {
        await using (PorticoDbContext db = database.CreateContext())
        {
            SecuritySettings settings = await db.SecuritySettings.SingleAsync(Ct);
            Assert.Equal(SecuritySettings.SingletonId, settings.Id);
            Assert.Equal(SecuritySettings.DefaultInactivityTimeoutMinutes, settings.InactivityTimeoutMinutes);
            settings.InactivityTimeoutMinutes = 90;
            await db.SaveChangesAsync(Ct);
        }

        await using PorticoDbContext again = database.CreateContext();
        Assert.Equal(90, (await again.SecuritySettings.SingleAsync(Ct)).InactivityTimeoutMinutes);
        again.SecuritySettings.Single().InactivityTimeoutMinutes = SecuritySettings.DefaultInactivityTimeoutMinutes;
        await again.SaveChangesAsync(Ct);
    }
}
